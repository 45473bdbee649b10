package cli

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/archivemirror/mirror/tools/internal/content"
	"github.com/archivemirror/mirror/tools/internal/origin"
)

func newOriginCmd(g *globals) *cobra.Command {
	var listen, host string
	cmd := &cobra.Command{
		Use:   "origin",
		Short: "Serve stand-in pictures for the archive's image URLs (tests, demos, benchmarks)",
		Long: `origin serves, on a local address, a drawn picture for every image the
articles in the content directory show on HOST (default mmbiz.qpic.cn), of
the size and format their markup announces. With --remap-host it stands in
for the real image host:

  mirror origin --listen 127.0.0.1:8089 &
  mirror build --remap-host mmbiz.qpic.cn=http://127.0.0.1:8089

It never touches the network beyond its own listener.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			srv := origin.New()
			dir, err := content.List(g.contentDir())
			if err != nil {
				return fail(ExitSetup, err)
			}
			for _, rel := range dir.Articles {
				data, err := os.ReadFile(filepath.Join(dir.Root, filepath.FromSlash(rel)))
				if err != nil {
					return fail(ExitSetup, err)
				}
				srv.AddFromHTML(data, host)
			}
			ln, err := net.Listen("tcp", listen)
			if err != nil {
				return fail(ExitSetup, err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "serving %d images for %s on http://%s\n", srv.Len(), host, ln.Addr())
			// SIGINT and SIGTERM end it (the command's context): the root
			// command takes them over, so a server that ignored the context
			// could only be killed.
			server := &http.Server{Handler: srv}
			go func() {
				<-cmd.Context().Done()
				server.Close()
			}()
			if err := server.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
				return err
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&listen, "listen", "127.0.0.1:8089", "address to listen on")
	cmd.Flags().StringVar(&host, "host", "mmbiz.qpic.cn", "the image host to stand in for")
	return cmd
}
