package main

import (
	"bytes"
	"html"
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	stdfont "golang.org/x/image/font"
	"gonum.org/v1/plot/font"
)

// testCharts are the charts of the synthetic report and a stress case:
// long names, a driver that did not run, ratios from 1/20 to 60.
func testCharts() map[string]*ratioChart {
	cs := charts(aggregate(synthetic()))
	stress := &ratioChart{
		Title:    "a title long enough that it has to shrink to fit inside the chart's width, which is eight inches wide",
		Subtitle: "a subtitle that is also rather long, to see that it shrinks too and does not run off the right edge of the canvas",
		Legend:   []legendItem{{Label: "met", Color: inkColor}, {Label: "floor", Color: inkColor, Marker: true}},
	}
	for i, v := range []float64{0.05, 0.5, 1, 1.01, 3, 60, math.NaN()} {
		stress.Rows = append(stress.Rows, chartRow{Heading: "step " + strconv.Itoa(i)})
		stress.Rows = append(stress.Rows, chartRow{Label: "a-driver-with-a-long-name", Value: v, Color: inkColor, Marker: 1 / (v + 1)})
		stress.Rows = append(stress.Rows, chartRow{Label: "x", Value: 1 / v, Color: floorColor})
	}
	cs["stress"] = stress
	return cs
}

// TestChartsStayInside renders every chart to SVG and PNG and checks that
// every text box of the SVG lies inside its view box without overlapping
// another, and that nothing is drawn on the PNG's border (which a clipped
// text or bar would touch).
func TestChartsStayInside(t *testing.T) {
	// CHARTS_OUT=dir keeps the PNGs, to look at them.
	dir := os.Getenv("CHARTS_OUT")
	if dir == "" {
		dir = t.TempDir()
	}
	for name, c := range testCharts() {
		t.Run(name, func(t *testing.T) {
			var svg bytes.Buffer
			if err := c.writeSVG(&svg); err != nil {
				t.Fatal(err)
			}
			boxes := checkSVGText(t, svg.Bytes())
			if len(boxes) < len(c.Rows) {
				t.Errorf("%d text boxes for %d rows", len(boxes), len(c.Rows))
			}
			var pngBuf bytes.Buffer
			if err := c.writePNG(&pngBuf); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, name+".png"), pngBuf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(bytes.NewReader(pngBuf.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			checkBorder(t, img, 3)
		})
	}
}

type textBox struct {
	text                     string
	left, top, right, bottom float64
}

var (
	svgHeader = regexp.MustCompile(`viewBox="0 0 ([0-9.e+-]+) ([0-9.e+-]+)"`)
	svgText   = regexp.MustCompile(`(?s)<text x="([0-9.e+-]+)" y="([0-9.e+-]+)" transform="scale\(1, -1\)"\s*style="([^"]*)">([^<]*)</text>`)
	svgGroup  = regexp.MustCompile(`<g transform="([^"]*)">`)
)

// checkSVGText finds every text of an SVG written by vgsvg, measures it
// with the font it names, and checks the boxes.
func checkSVGText(t *testing.T, svg []byte) []textBox {
	t.Helper()
	m := svgHeader.FindSubmatch(svg)
	if m == nil {
		t.Fatal("no viewBox")
	}
	w, _ := strconv.ParseFloat(string(m[1]), 64)
	h, _ := strconv.ParseFloat(string(m[2]), 64)
	// vgsvg flips the y axis once for the whole canvas; the chart uses no
	// other transform.
	for _, g := range svgGroup.FindAllSubmatch(svg, -1) {
		if want := "scale(1, -1) translate(0, -" + strconv.FormatFloat(h, 'g', -1, 64) + ")"; string(g[1]) != want {
			t.Fatalf("unexpected group transform %q (the check knows only %q)", g[1], want)
		}
	}
	var boxes []textBox
	for _, m := range svgText.FindAllSubmatch(svg, -1) {
		x, _ := strconv.ParseFloat(string(m[1]), 64)
		y, _ := strconv.ParseFloat(string(m[2]), 64)
		style := string(m[3])
		text := html.UnescapeString(string(m[4]))
		size, err := strconv.ParseFloat(strings.TrimSuffix(styleValue(style, "font-size"), "px"), 64)
		if err != nil {
			t.Fatalf("font-size in %q: %v", style, err)
		}
		if fam := styleValue(style, "font-family"); fam != "Liberation Sans" {
			t.Fatalf("font %q: the check measures Liberation Sans only", fam)
		}
		f := font.Font{Typeface: "Liberation", Variant: "Sans"}
		if styleValue(style, "font-weight") == "bold" {
			f.Weight = stdfont.WeightBold
		}
		fc := fonts.Lookup(f, font.Length(size))
		ext := fc.Extents()
		base := h + y // the baseline, from the top
		b := textBox{
			text:   text,
			left:   x,
			right:  x + fc.Width(text).Points(),
			top:    base - ext.Ascent.Points(),
			bottom: base + ext.Descent.Points(),
		}
		if b.left < 0 || b.top < 0 || b.right > w || b.bottom > h {
			t.Errorf("text %q at [%.1f,%.1f]-[%.1f,%.1f] leaves the %.0f×%.0f view box", text, b.left, b.top, b.right, b.bottom, w, h)
		}
		for _, o := range boxes {
			if b.left < o.right && o.left < b.right && b.top < o.bottom && o.top < b.bottom {
				t.Errorf("text %q overlaps %q", text, o.text)
			}
		}
		boxes = append(boxes, b)
	}
	if len(boxes) == 0 {
		t.Fatal("no text found")
	}
	return boxes
}

func styleValue(style, key string) string {
	for _, kv := range strings.Split(style, ";") {
		if k, v, ok := strings.Cut(kv, ":"); ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// checkBorder checks that the n outermost pixels of img are white.
func checkBorder(t *testing.T, img image.Image, n int) {
	t.Helper()
	r := img.Bounds()
	bad := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if x >= r.Min.X+n && x < r.Max.X-n && y >= r.Min.Y+n && y < r.Max.Y-n {
				continue
			}
			cr, cg, cb, _ := img.At(x, y).RGBA()
			if cr < 0xf000 || cg < 0xf000 || cb < 0xf000 {
				if bad < 5 {
					t.Errorf("pixel (%d,%d) on the border is not white", x, y)
				}
				bad++
			}
		}
	}
}
