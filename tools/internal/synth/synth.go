// Package synth writes synthetic articles shaped like real fetched ones
// (front matter as the fetcher writes it, WeChat HTML with lazy-loaded
// images on mmbiz.qpic.cn, links to other articles, the 原文链接 footer), for
// benchmarks and scale tests. The same seed gives the same articles.
package synth

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// Options shape a generated archive.
type Options struct {
	Seed uint64
	// Accounts and Categories are how many distinct ones articles use.
	Accounts, Categories int
	// Paragraphs and Images per article, on average.
	Paragraphs, Images int
	// Links per article to other articles of the archive, on average.
	Links int
	// ImageHost is the host image URLs point at.
	ImageHost string
}

// NewDefaultOptions returns the shape measured on real archives: about 8 KB
// of HTML, three images and two links per article.
func NewDefaultOptions() Options {
	return Options{Seed: 1, Accounts: 200, Categories: 8, Paragraphs: 14, Images: 3, Links: 2, ImageHost: "mmbiz.qpic.cn"}
}

// Article is one generated article.
type Article struct {
	Name   string // file name, e.g. 000123_….md
	Source []byte
	Images []Image
	URL    string // its short source URL
}

// Image is one image an article shows, as an image server should serve it.
type Image struct {
	URL           string
	Width, Height int
	Format        string // jpeg, png or gif
}

var cjk = []rune("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理世车")

// Build returns article i of an archive of n.
func (o Options) Build(i, n int) Article {
	r := rand.New(rand.NewPCG(o.Seed, uint64(i)))
	account := fmt.Sprintf("公众号%03d", r.IntN(max(o.Accounts, 1)))
	category := fmt.Sprintf("Category%d", r.IntN(max(o.Categories, 1)))
	title := sentence(r, 8+r.IntN(16))
	date := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * 2 * time.Hour)
	a := Article{Name: fmt.Sprintf("%06d_%016x.md", i, r.Uint64()), URL: ShortURL(o.Seed, i)}
	var b strings.Builder
	fmt.Fprintf(&b, "---\ntitle: %q\ndate: %s\ndraft: [\"false\"]\ntags: [\n  \"fetched\",\n  %q\n]\ncategories: [%q]\n---\n",
		title, date.Format(time.RFC3339), account, category)
	fmt.Fprintf(&b, "%s by %s\n------\n<div>", title, account)
	paragraphs := o.Paragraphs/2 + r.IntN(o.Paragraphs+1)
	images := r.IntN(2*o.Images + 1)
	links := r.IntN(2*o.Links + 1)
	for p := range paragraphs {
		if images > 0 && r.IntN(paragraphs-p) < images {
			img := o.image(r, i, images)
			a.Images = append(a.Images, img)
			fmt.Fprintf(&b, `<p><img data-ratio="%v" data-s="300,640" data-src="%s" data-type="%s" data-w="%d" src="%s"></p>`,
				float64(img.Height)/float64(img.Width), strings.ReplaceAll(img.URL, "&", "&amp;"), img.Format, img.Width, strings.ReplaceAll(img.URL, "&", "&amp;"))
			images--
		}
		fmt.Fprintf(&b, `<p dir="ltr"><span>%s</span>`, sentence(r, 40+r.IntN(120)))
		if links > 0 && n > 1 && r.IntN(paragraphs-p) < links {
			fmt.Fprintf(&b, `<a target="_blank" href="%s" tab="innerlink" data-linktype="2">%s</a>`,
				strings.ReplaceAll(LongURL(o.Seed, r.IntN(n)), "&", "&amp;"), sentence(r, 6))
			links--
		}
		b.WriteString("</p>")
	}
	fmt.Fprintf(&b, `<section><mp-common-profile data-pluginname="mpprofile" data-nickname="%s" data-signature="%s"></mp-common-profile></section>`, account, sentence(r, 20))
	fmt.Fprintf(&b, "<p><br></p></div>  \n<hr>\n<a href=\"%s\",target=\"_blank\" rel=\"noopener noreferrer\">原文链接</a>\n", a.URL)
	a.Source = []byte(b.String())
	return a
}

func (o Options) image(r *rand.Rand, article, left int) Image {
	// Shapes seen in WeChat articles: mostly photos and screenshots a
	// phone's width or wider, some long infographics, small GIFs.
	formats := []string{"jpeg", "jpeg", "jpeg", "png", "png", "gif"}
	format := formats[r.IntN(len(formats))]
	width := []int{640, 900, 1080, 1080, 1280, 1920}[r.IntN(6)]
	height := width * []int{50, 56, 66, 75, 100, 133, 178, 300}[r.IntN(8)] / 100
	if format == "gif" {
		width = []int{240, 320, 480, 640}[r.IntN(4)]
		height = width * []int{56, 75, 100}[r.IntN(3)] / 100
	}
	bucket := map[string]string{"jpeg": "mmbiz_jpg", "png": "mmbiz_png", "gif": "mmbiz_gif"}[format]
	return Image{
		URL:    fmt.Sprintf("https://%s/%s/synth%08x%04x/640?wx_fmt=%s&from=appmsg", o.ImageHost, bucket, article, left, format),
		Width:  width,
		Height: height,
		Format: format,
	}
}

// vocabulary is 4,000 "words" of one to three characters; sentences draw
// them with Zipf's law, as natural text does, so word statistics (and a
// search index built on them) look like real articles', not noise.
var vocabulary = func() []string {
	r := rand.New(rand.NewPCG(42, 42))
	words := make([]string, 4000)
	for i := range words {
		w := make([]rune, 1+r.IntN(3))
		for j := range w {
			w[j] = cjk[r.IntN(len(cjk))]
		}
		words[i] = string(w)
	}
	return words
}()

// sentence is about n characters of text, with commas and a full stop.
func sentence(r *rand.Rand, n int) string {
	zipf := rand.NewZipf(r, 1.1, 2, uint64(len(vocabulary)-1))
	var b strings.Builder
	chars := 0
	for chars < n {
		w := vocabulary[zipf.Uint64()]
		b.WriteString(w)
		chars += len([]rune(w))
		if r.IntN(12) == 0 {
			b.WriteString("，")
		}
	}
	return b.String() + "。"
}

// ShortURL is the short WeChat URL of article i.
func ShortURL(seed uint64, i int) string {
	return fmt.Sprintf("https://mp.weixin.qq.com/s/synth%d_%08d", seed, i)
}

// LongURL is the long WeChat URL of article i, with the tracking noise
// real links carry.
func LongURL(seed uint64, i int) string {
	return fmt.Sprintf("http://mp.weixin.qq.com/s?__biz=SYNTH%d&mid=%d&idx=1&sn=%032x&chksm=%x&scene=21#wechat_redirect", seed, 2650000000+i, i, i*7919)
}
