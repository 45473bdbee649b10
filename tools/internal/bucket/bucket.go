package bucket

import (
	"context"
	"crypto/md5"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path"
	"strings"
	"sync"
	"time"

	"gocloud.dev/blob"
	_ "gocloud.dev/blob/fileblob" // file:// buckets
	_ "gocloud.dev/blob/memblob"  // mem:// buckets, for tests
	_ "gocloud.dev/blob/s3blob"   // s3:// buckets
	"gocloud.dev/gcerrors"

	"github.com/archivemirror/mirror/tools/internal/images/fetch"
	"github.com/archivemirror/mirror/tools/internal/store"
)

// CacheControl is sent with every file: a file's name is the hash of its
// bytes, so it never changes and browsers and CDNs may keep it for good.
const CacheControl = "public, max-age=31536000, immutable"

// Bucket is the media bucket of a mirror: the store's files by name,
// and what is known to be in it (see Load).
type Bucket struct {
	cfg     Config
	name    string // the bucket URL as messages show it
	b       *blob.Bucket
	listing *listing
}

// Open opens the bucket of cfg; listingFile keeps what it holds between
// runs (see Load). Opening sends no request.
func Open(ctx context.Context, cfg Config, listingFile string) (*Bucket, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	name := Redact(cfg.Bucket)
	if err := credentials(cfg.Bucket); err != nil {
		return nil, fmt.Errorf("bucket %s: %w", name, err)
	}
	b, err := blob.OpenBucket(ctx, cfg.Bucket)
	if err != nil {
		return nil, fmt.Errorf("bucket %s: %w", name, err)
	}
	return &Bucket{cfg: cfg, name: name, b: b, listing: newListing(listingFile, name)}, nil
}

// ForBuild opens and loads (see Load) the bucket when cfg names one;
// else it returns nil, a bucket that holds nothing and needs no closing.
func ForBuild(ctx context.Context, cfg Config, listingFile string, offline bool) (*Bucket, error) {
	if !cfg.Enabled() {
		return nil, nil
	}
	b, err := Open(ctx, cfg, listingFile)
	if err == nil {
		err = b.Load(ctx, offline)
	}
	return b, err
}

// credentials checks an S3 bucket has its credentials in the standard
// environment variables, the one place they are taken from (the SDK would
// otherwise ask an instance metadata service, and fail after a long wait).
func credentials(raw string) error {
	u, _ := url.Parse(raw)
	if u.Scheme != "s3" || u.Query().Get("anonymous") == "true" {
		return nil
	}
	if os.Getenv("AWS_ACCESS_KEY_ID") == "" || os.Getenv("AWS_SECRET_ACCESS_KEY") == "" {
		return errors.New("no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment")
	}
	return nil
}

// Close lets go of the bucket.
func (b *Bucket) Close() {
	if b == nil {
		return
	}
	b.listing.close()
	b.b.Close()
}

// Name is the bucket as messages show it.
func (b *Bucket) Name() string { return b.name }

// Load reads what the bucket holds from the listing kept by the last
// run, or, when there is none, lists the bucket (a request per thousand
// files): a build asks for nothing per image. Offline, what is not kept
// is not known.
func (b *Bucket) Load(ctx context.Context, offline bool) error {
	if b == nil || b.listing.load() {
		return nil
	}
	if offline {
		b.listing.none()
		return nil
	}
	_, err := b.List(ctx)
	return err
}

// Has says whether the named file is known to be in the bucket.
func (b *Bucket) Has(name string) bool { return b != nil && b.listing.has(name) }

// List lists the store files in the bucket, with their sizes, and keeps
// the listing for the next runs. Objects not named as store files are
// left out: the bucket may hold other things.
func (b *Bucket) List(ctx context.Context) (map[string]int64, error) {
	files := map[string]int64{}
	iter := b.b.List(nil)
	for {
		obj, err := iter.Next(ctx)
		if err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return nil, b.explain("listing", err)
		}
		if store.ValidName(obj.Key) {
			files[obj.Key] = obj.Size
		}
	}
	if err := b.listing.replace(files); err != nil {
		return files, fmt.Errorf("bucket %s: keeping its listing: %w", b.name, err)
	}
	return files, nil
}

// ErrCorrupt is the error of reading a file whose bytes the server
// itself found changed since they were written (the checksum it keeps
// with them does not match).
var ErrCorrupt = errors.New("corrupt in the bucket")

// Read reads a file of the bucket.
func (b *Bucket) Read(ctx context.Context, name string) ([]byte, error) {
	var data []byte
	err := b.retry(ctx, func() (err error) {
		data, err = b.b.ReadAll(ctx, name)
		return err
	})
	if err != nil && corrupt(err) {
		return nil, fmt.Errorf("bucket %s: %s: %w (%v)", b.name, name, ErrCorrupt, err)
	}
	if err != nil {
		return nil, b.explain(name, err)
	}
	return data, nil
}

func corrupt(err error) bool { return strings.Contains(err.Error(), "checksum did not match") }

// Delete removes a file from the bucket. Forget it first: a listing
// that claims a file the bucket lacks would leave pages without it.
func (b *Bucket) Delete(ctx context.Context, name string) error {
	err := b.retry(ctx, func() error { return b.b.Delete(ctx, name) })
	if err != nil && gcerrors.Code(err) != gcerrors.NotFound {
		return b.explain(name, err)
	}
	return nil
}

// Forget drops files from what the bucket is known to hold (found
// missing or corrupt): the next upload puts them again.
func (b *Bucket) Forget(names ...string) error { return b.listing.forget(names...) }

// put writes one file with the headers of an immutable image, and its
// MD5 so the server refuses bytes damaged on the way; it is known held
// once the server confirmed it.
func (b *Bucket) put(ctx context.Context, name string, data []byte) error {
	sum := md5.Sum(data)
	opts := &blob.WriterOptions{ContentType: ContentType(name), CacheControl: CacheControl, ContentMD5: sum[:]}
	err := b.retry(ctx, func() error { return b.b.WriteAll(ctx, name, data, opts) })
	if err != nil {
		return b.explain(name, err)
	}
	return b.listing.add(name)
}

// retry runs a request, again after a pause when it failed for a reason
// that may pass (a dropped connection, a server error), at most
// cfg.Retries more times.
func (b *Bucket) retry(ctx context.Context, request func() error) error {
	pause := 500 * time.Millisecond
	var err error
	for attempt := 0; ; attempt++ {
		if err = request(); err == nil || attempt >= b.cfg.Retries || !transient(err) {
			return err
		}
		if stop := fetch.Sleep(ctx, pause); stop != nil {
			return errors.Join(stop, err)
		}
		pause *= 2
	}
}

// transient says whether an error may not happen again.
func transient(err error) bool {
	switch gcerrors.Code(err) {
	case gcerrors.NotFound, gcerrors.PermissionDenied, gcerrors.InvalidArgument, gcerrors.Canceled, gcerrors.FailedPrecondition:
		return false
	}
	return credentialProblem(err) == "" && !corrupt(err)
}

// explain wraps a bucket error with what was being done and, when the
// cause is known, the setting to look at.
func (b *Bucket) explain(what string, err error) error {
	hint := credentialProblem(err)
	switch {
	case hint != "":
	case gcerrors.Code(err) == gcerrors.NotFound && what == "listing":
		hint = "the bucket does not exist: create it, or check the name and endpoint of [params.mirror.media] bucket"
	case gcerrors.Code(err) == gcerrors.NotFound:
		hint = "not in the bucket"
	case gcerrors.Code(err) == gcerrors.PermissionDenied:
		hint = "access denied: check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY and the bucket's policy"
	}
	if hint != "" {
		return fmt.Errorf("bucket %s: %s: %s (%w)", b.name, what, hint, err)
	}
	return fmt.Errorf("bucket %s: %s: %w", b.name, what, err)
}

// credentialProblem names what is wrong with the credentials an error
// shows were refused, "" when it is not about them.
func credentialProblem(err error) string {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "InvalidAccessKeyId"), strings.Contains(msg, "XAdminUserNotFound"):
		return "the server does not know AWS_ACCESS_KEY_ID"
	case strings.Contains(msg, "SignatureDoesNotMatch"):
		return "AWS_SECRET_ACCESS_KEY is wrong"
	case strings.Contains(msg, "failed to retrieve credentials"):
		return "no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
	}
	return ""
}

// ContentType is the media type of a store file, by its extension.
func ContentType(name string) string {
	switch path.Ext(name) {
	case ".jpg", ".jpeg":
		return "image/jpeg"
	case ".png":
		return "image/png"
	case ".gif":
		return "image/gif"
	case ".webp":
		return "image/webp"
	}
	return "application/octet-stream"
}

// listing is what the bucket is known to hold: the store files it
// confirmed, kept in a file one name a line, appended to as each upload
// is confirmed, so a run killed at any moment leaves a listing that
// claims nothing the bucket lacks (a last line cut short is not read).
type listing struct {
	file   string // "": kept in memory only
	header string
	mu     sync.Mutex
	held   map[string]bool
	log    *os.File
}

func newListing(file, bucket string) *listing {
	return &listing{file: file, header: "mirror bucket listing 1 " + bucket}
}
