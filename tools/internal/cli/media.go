package cli

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/spf13/afero"
	"github.com/spf13/cobra"

	"github.com/archivemirror/mirror/tools/internal/article"
	"github.com/archivemirror/mirror/tools/internal/bucket"
	"github.com/archivemirror/mirror/tools/internal/build"
	"github.com/archivemirror/mirror/tools/internal/config"
	"github.com/archivemirror/mirror/tools/internal/reuse"
	"github.com/archivemirror/mirror/tools/internal/store"
)

func newMediaCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "media",
		Short: "Keep the media bucket: push, pull, verify, gc",
		Long: `media keeps the images of a mirror whose site config names a media bucket:

  [params.mirror.media]
    bucket = "s3://NAME?endpoint=https://…&region=…"   # S3, R2, OSS, COS, B2, MinIO…
    publicURL = "https://media.example.org/"          # where its files are served

Credentials come from the environment only: AWS_ACCESS_KEY_ID and
AWS_SECRET_ACCESS_KEY. mirror build uploads the images the pages show by
itself; these commands are for moving and checking the whole store. Each
lists the bucket afresh and keeps that listing for the next builds.

The bucket (or its prefix) must belong to this mirror alone: gc deletes
whatever store file in it no article of this mirror uses.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	var quiet, apply, force bool
	cmd.PersistentFlags().BoolVar(&quiet, "quiet", false, "no progress output")
	progress := func(cmd *cobra.Command, verb string) bucket.Progress {
		if quiet {
			return nil
		}
		return newUploadProgress(cmd.ErrOrStderr(), verb)
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "push",
		Short: "Upload the local image store's files the bucket lacks",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withBucket(cmd.Context(), g, func(b *bucket.Bucket, st *store.Store) error {
				up, err := bucket.Push(cmd.Context(), b, st, progress(cmd, "uploading"))
				fmt.Fprintf(cmd.OutOrStdout(), "%d files uploaded (%.1f MB), %d already in %s\n", up.Files, float64(up.Bytes)/1e6, up.Held, b.Name())
				return findings(err)
			})
		},
	})
	cmd.AddCommand(&cobra.Command{
		Use:   "pull",
		Short: "Download into the local image store the bucket's files it lacks",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withBucket(cmd.Context(), g, func(b *bucket.Bucket, st *store.Store) error {
				p, err := bucket.Pull(cmd.Context(), b, st, progress(cmd, "downloading"))
				fmt.Fprintf(cmd.OutOrStdout(), "%d files stored (%.1f MB), %d already in the store\n", p.Files, float64(p.Bytes)/1e6, p.Present)
				for _, name := range p.Corrupt {
					fmt.Fprintf(cmd.OutOrStdout(), "corrupt in the bucket, not stored: %s\n", name)
				}
				if err == nil && len(p.Corrupt) > 0 {
					err = fmt.Errorf("%d corrupt files in the bucket", len(p.Corrupt))
				}
				return findings(err)
			})
		},
	})
	cmd.AddCommand(&cobra.Command{
		Use:   "verify",
		Short: "Check every file in the bucket hashes to its name; list missing and corrupt ones (exit 1)",
		Long: `verify reads every store file in the bucket and checks its bytes hash to its
name, and lists the files the articles show (read as a build does, offline)
that the bucket lacks. Missing and corrupt files are forgotten from the kept listing, so the
next build (or push) uploads them again from the local store, when it has
them. Exit codes: 0 all good, 1 some missing or corrupt, 2 could not run.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			used, err := mediaInUse(cmd.Context(), g, true)
			if err != nil {
				return err
			}
			return withBucket(cmd.Context(), g, func(b *bucket.Bucket, _ *store.Store) error {
				v, err := bucket.Verify(cmd.Context(), b, used, progress(cmd, "verifying"))
				w := cmd.OutOrStdout()
				for _, name := range v.Missing {
					fmt.Fprintf(w, "missing: %s\n", name)
				}
				for _, name := range v.Corrupt {
					fmt.Fprintf(w, "corrupt: %s\n", name)
				}
				fmt.Fprintf(w, "%d files checked in %s: %d missing, %d corrupt\n", v.Checked, b.Name(), len(v.Missing), len(v.Corrupt))
				if err == nil && !v.OK() {
					err = fmt.Errorf("%d missing, %d corrupt", len(v.Missing), len(v.Corrupt))
				}
				return findings(err)
			})
		},
	})
	gc := &cobra.Command{
		Use:   "gc",
		Short: "List the bucket's files no article uses; delete them with --apply",
		Long: `gc reads the articles as a build does (offline) and lists the store files in
the bucket that none of them shows, with their size. Nothing is deleted
unless --apply is given. It refuses to run while some article has errors
(its images would count as unused) unless --force.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			used, err := mediaInUse(cmd.Context(), g, force)
			if err != nil {
				return err
			}
			return withBucket(cmd.Context(), g, func(b *bucket.Bucket, _ *store.Store) error {
				unused, bytes, err := bucket.Unused(cmd.Context(), b, used, apply)
				w := cmd.OutOrStdout()
				for _, name := range unused {
					fmt.Fprintf(w, "unused: %s\n", name)
				}
				verb := "would be deleted (dry run: --apply deletes them)"
				if apply {
					verb = "deleted"
				}
				fmt.Fprintf(w, "%d unused files, %.1f MB, %s\n", len(unused), float64(bytes)/1e6, verb)
				return findings(err)
			})
		},
	}
	gc.Flags().BoolVar(&apply, "apply", false, "delete the unused files")
	gc.Flags().BoolVar(&force, "force", false, "run even when some articles have errors")
	cmd.AddCommand(gc)
	return cmd
}

// withBucket opens the site's media bucket and its image store, and runs
// fn with them.
func withBucket(ctx context.Context, g *globals, fn func(*bucket.Bucket, *store.Store) error) error {
	cfg, err := config.Load(g.siteDir())
	if err != nil {
		return fail(ExitSetup, err)
	}
	if !cfg.Media.Enabled() {
		return fail(ExitSetup, fmt.Errorf("%s: no media bucket: set [params.mirror.media] bucket and publicURL", cfg.File))
	}
	root := g.abs(g.root)
	b, err := bucket.Open(ctx, cfg.Media, reuse.PathsOf(root).BucketListing(cfg.Media.Bucket))
	if err != nil {
		return fail(ExitSetup, fmt.Errorf("%s: [params.mirror.media]: %w", cfg.File, err))
	}
	defer b.Close()
	st, err := store.OpenLocked(ctx, afero.NewOsFs(), filepath.Join(root, cfg.Images.Store), "", "", nil)
	if err != nil {
		return fail(ExitSetup, err)
	}
	defer st.Unlock()
	return fn(b, st)
}

// mediaInUse reads the articles as a build does, offline, and returns
// the store files of the images they show. Articles with errors are left
// out of a build, so their images would not count: unless anyway, that
// is refused.
func mediaInUse(ctx context.Context, g *globals, anyway bool) ([]string, error) {
	r, err := build.Localize(ctx, build.Options{Root: g.abs(g.root), ContentDir: g.contentDir(), SiteDir: g.siteDir(), Offline: true, Display: display})
	if err != nil {
		return nil, fail(ExitSetup, err)
	}
	if n := errorArticles(r.Findings); n > 0 && !anyway {
		return nil, fail(ExitSetup, fmt.Errorf("%d articles have errors: their images would count as unused; fix them (mirror validate) or use --force", n))
	}
	return r.MediaFiles, nil
}

// errorArticles counts the articles with an error.
func errorArticles(fs []article.Finding) int {
	files := map[string]bool{}
	for _, f := range fs {
		if f.Severity == article.Error {
			files[f.File] = true
		}
	}
	return len(files)
}

// findings is err as the exit status of a run that worked and found
// something wrong.
func findings(err error) error {
	if err == nil || errors.Is(err, context.Canceled) {
		return err
	}
	return fail(ExitFindings, err)
}
