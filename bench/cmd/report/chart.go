package main

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"os"

	stdfont "golang.org/x/image/font"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/font/liberation"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// ratioChart is a chart of time ratios to a baseline (mattn) on a log
// axis: one horizontal bar per row, growing from the 1× line to the left
// (faster than the baseline) or to the right (slower), its value printed
// at its end, the row's name on the left. Everything is laid out from the
// fonts' metrics, so that no text leaves the canvas or covers a bar.
type ratioChart struct {
	Title    string
	Subtitle string
	Rows     []chartRow
	// Legend, if set, is drawn under the subtitle, one swatch per item.
	Legend []legendItem
}

// chartRow is a heading (Heading set: a line of text, no bar) or a bar.
type chartRow struct {
	Heading string
	Label   string
	Value   float64 // NaN: no value, drawn as "not run"
	Color   color.Color
	// Marker, unless NaN or 0, is a second ratio drawn as a tick across
	// the bar (the floor, in the summary).
	Marker float64
}

type legendItem struct {
	Label  string
	Color  color.Color
	Marker bool // drawn as the marker tick rather than a bar swatch
}

// Layout, in points.
const (
	chartWidth  = 8 * vg.Inch
	pad         = vg.Length(10)
	rowHeight   = vg.Length(14)
	headHeight  = vg.Length(17)
	barHeight   = vg.Length(9)
	labelGap    = vg.Length(8)
	valueGap    = vg.Length(3)
	axisHeight  = vg.Length(26)
	titleSize   = vg.Length(13)
	textSize    = vg.Length(9.5)
	minTextSize = vg.Length(7)
	chartDPI    = 120
)

var (
	inkColor   = color.Gray{0x20}
	gridColor  = color.Gray{0xdd}
	faintColor = color.Gray{0x70}
	fonts      = func() *font.Cache {
		c := font.NewCache(liberation.Collection())
		return c
	}()
)

func face(size vg.Length, bold bool) font.Face {
	f := font.Font{Typeface: "Liberation", Variant: "Sans"}
	if bold {
		f.Weight = stdfont.WeightBold
	}
	return fonts.Lookup(f, size)
}

// fit returns the largest face of at most size (down to minTextSize) in
// which s is at most width wide.
func fit(s string, size, width vg.Length, bold bool) font.Face {
	f := face(size, bold)
	for f.Width(s) > width && size > minTextSize {
		size -= 0.5
		f = face(size, bold)
	}
	return f
}

// fmtX formats a ratio as the charts print it.
func fmtX(r float64) string {
	if r >= 10 {
		return fmt.Sprintf("%.0f×", r)
	}
	return fmt.Sprintf("%.2f×", r)
}

// layout is a chart placed on its canvas.
type layout struct {
	c                    *ratioChart
	w, h                 vg.Length
	title, subtitle      font.Face
	text, bold           font.Face
	labelW, valueW       vg.Length
	plotLeft, plotRight  vg.Length // the bars' extent: x(lo) and x(hi)
	lo, hi               int       // the axis spans 2^lo .. 2^hi
	top                  vg.Length // y of the first row's top
	legendH, subtitleTop vg.Length
}

func (c *ratioChart) layout() *layout {
	l := &layout{c: c, w: chartWidth}
	l.text = face(textSize, false)
	l.bold = face(textSize, true)
	inner := l.w - 2*pad
	l.title = fit(c.Title, titleSize, inner, true)
	l.subtitle = fit(c.Subtitle, textSize, inner, false)
	// The label column fits the longest label, the gutters the longest
	// value.
	lo, hi := 0.0, 0.0 // log2 of the extreme values (1× included)
	for _, r := range c.Rows {
		if r.Heading != "" {
			l.labelW = max(l.labelW, l.bold.Width(r.Heading))
			continue
		}
		l.labelW = max(l.labelW, l.text.Width(r.Label)+labelGap)
		for _, v := range []float64{r.Value, r.Marker} {
			if v > 0 && !math.IsInf(v, 0) {
				lo, hi = math.Min(lo, math.Log2(v)), math.Max(hi, math.Log2(v))
				l.valueW = max(l.valueW, l.text.Width(fmtX(v)))
			}
		}
	}
	l.valueW = max(l.valueW, l.text.Width("not run")) + valueGap + 2
	l.lo = min(int(math.Floor(lo-0.05)), -1)
	l.hi = max(int(math.Ceil(hi+0.05)), 1)
	l.plotLeft = pad + l.labelW + l.valueW
	l.plotRight = l.w - pad - l.valueW
	if len(c.Legend) > 0 {
		l.legendH = rowHeight + 4
	}
	ext := l.title.Extents()
	l.subtitleTop = pad + ext.Height + 4
	l.top = l.subtitleTop + l.subtitle.Extents().Height + 6 + l.legendH
	rows := vg.Length(0)
	for _, r := range c.Rows {
		if r.Heading != "" {
			rows += headHeight
		} else {
			rows += rowHeight
		}
	}
	l.h = l.top + rows + axisHeight + pad
	return l
}

// x maps a ratio to its abscissa.
func (l *layout) x(r float64) vg.Length {
	f := (math.Log2(r) - float64(l.lo)) / float64(l.hi-l.lo)
	return l.plotLeft + vg.Length(f)*(l.plotRight-l.plotLeft)
}

// y converts a distance from the top of the canvas to vg's upward y.
func (l *layout) y(fromTop vg.Length) vg.Length { return l.h - fromTop }

// text writes s with its left end at x and its baseline at fromTop.
func (l *layout) fill(c vg.Canvas, f font.Face, col color.Color, x, fromTop vg.Length, s string) {
	c.SetColor(col)
	c.FillString(f, vg.Point{X: x, Y: l.y(fromTop)}, s)
}

func rect(c vg.Canvas, col color.Color, x0, y0, x1, y1 vg.Length) {
	var p vg.Path
	p.Move(vg.Point{X: x0, Y: y0})
	p.Line(vg.Point{X: x1, Y: y0})
	p.Line(vg.Point{X: x1, Y: y1})
	p.Line(vg.Point{X: x0, Y: y1})
	p.Close()
	c.SetColor(col)
	c.Fill(p)
}

func line(c vg.Canvas, col color.Color, width vg.Length, x0, y0, x1, y1 vg.Length) {
	var p vg.Path
	p.Move(vg.Point{X: x0, Y: y0})
	p.Line(vg.Point{X: x1, Y: y1})
	c.SetColor(col)
	c.SetLineWidth(width)
	c.Stroke(p)
}

func (l *layout) draw(c vg.Canvas) {
	rect(c, color.White, 0, 0, l.w, l.h)
	asc := func(f font.Face) vg.Length { return f.Extents().Ascent }
	l.fill(c, l.title, inkColor, pad, pad+asc(l.title), l.c.Title)
	l.fill(c, l.subtitle, faintColor, pad, l.subtitleTop+asc(l.subtitle), l.c.Subtitle)
	if len(l.c.Legend) > 0 {
		x := pad
		base := l.top - l.legendH + asc(l.text)
		for _, it := range l.c.Legend {
			mid := l.y(base - asc(l.text)/2 + 1)
			if it.Marker {
				line(c, it.Color, 2, x+4, mid-barHeight/2, x+4, mid+barHeight/2)
			} else {
				rect(c, it.Color, x, mid-barHeight/2, x+10, mid+barHeight/2)
			}
			l.fill(c, l.text, inkColor, x+14, base, it.Label)
			x += 14 + l.text.Width(it.Label) + 16
		}
	}
	bottom := l.top
	for _, r := range l.c.Rows {
		if r.Heading != "" {
			bottom += headHeight
		} else {
			bottom += rowHeight
		}
	}
	// Grid and axis: a line per power of two, the 1× line darker, labels
	// on every step-th line (and 1×), so that they do not touch.
	step := 1
	for {
		widest := max(l.text.Width(fmtTick(l.lo)), l.text.Width(fmtTick(l.hi)))
		if l.x(math.Exp2(float64(step)))-l.x(1) > widest+6 {
			break
		}
		step++
	}
	for e := l.lo; e <= l.hi; e++ {
		r := math.Exp2(float64(e))
		x := l.x(r)
		col, w := gridColor, vg.Length(0.6)
		if e == 0 {
			col, w = inkColor, 1.2
		}
		line(c, col, w, x, l.y(l.top-2), x, l.y(bottom+2))
		if e%step != 0 {
			continue
		}
		lbl := fmtTick(e)
		f := l.text
		if e == 0 {
			f = l.bold
		}
		l.fill(c, f, inkColor, x-f.Width(lbl)/2, bottom+4+asc(f), lbl)
	}
	hint := "← faster than mattn     slower →"
	hx := l.x(1) - l.text.Width(hint)/2
	hx = min(max(hx, pad), l.w-pad-l.text.Width(hint))
	l.fill(c, l.text, faintColor, hx, bottom+axisHeight-2, hint)

	at := l.top
	for _, r := range l.c.Rows {
		if r.Heading != "" {
			l.fill(c, l.bold, inkColor, pad, at+headHeight-4, r.Heading)
			at += headHeight
			continue
		}
		mid := at + rowHeight/2
		base := mid + asc(l.text)/2 - 1
		l.fill(c, l.text, inkColor, pad+l.labelW-labelGap-l.text.Width(r.Label), base, r.Label)
		x1 := l.x(1)
		if !(r.Value > 0) || math.IsInf(r.Value, 0) {
			l.fill(c, l.text, faintColor, x1+valueGap+2, base, "not run")
		} else {
			xv := l.x(r.Value)
			rect(c, r.Color, min(x1, xv), l.y(mid+barHeight/2), max(x1, xv), l.y(mid-barHeight/2))
			// The value goes past the bar's end, and past the marker too
			// when the marker would cross it.
			s := fmtX(r.Value)
			sw := l.text.Width(s) + valueGap
			xm := vg.Length(math.NaN())
			if r.Marker > 0 && !math.IsInf(r.Marker, 0) {
				xm = l.x(r.Marker)
			}
			if r.Value >= 1 {
				end := xv
				if xm >= xv-1 && xm <= xv+sw+1 {
					end = xm + 1
				}
				l.fill(c, l.text, inkColor, end+valueGap, base, s)
			} else {
				end := xv
				if xm <= xv+1 && xm >= xv-sw-1 {
					end = xm - 1
				}
				l.fill(c, l.text, inkColor, end-sw, base, s)
			}
		}
		if r.Marker > 0 && !math.IsInf(r.Marker, 0) {
			xm := l.x(r.Marker)
			line(c, inkColor, 2, xm, l.y(mid+rowHeight/2-1), xm, l.y(mid-rowHeight/2+1))
		}
		at += rowHeight
	}
}

// fmtTick labels the line of ratio 2^e.
func fmtTick(e int) string {
	if e >= 0 {
		return fmt.Sprintf("%d×", 1<<e)
	}
	return fmt.Sprintf("1/%d×", 1<<-e)
}

// writeSVG and writePNG render the chart.
func (c *ratioChart) writeSVG(w io.Writer) error {
	l := c.layout()
	cv := vgsvg.New(l.w, l.h)
	l.draw(cv)
	_, err := cv.WriteTo(w)
	return err
}

func (c *ratioChart) writePNG(w io.Writer) error {
	l := c.layout()
	cv := vgimg.NewWith(vgimg.UseWH(l.w, l.h), vgimg.UseDPI(chartDPI), vgimg.UseBackgroundColor(color.White))
	l.draw(cv)
	_, err := vgimg.PngCanvas{Canvas: cv}.WriteTo(w)
	return err
}

// writeFile creates path and writes it with write.
func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
