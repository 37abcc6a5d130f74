//! The build benchmark's chart: panels of measured values against archive
//! size, both axes logarithmic (sizes from 1,000 to 100,000 postmortems, and
//! times from seconds to minutes). Plain SVG with generic font families, so
//! that a README shows it as it is: no script, no font to fetch.

use std::fmt::Write as _;

/// One line of a panel: a tool, or one way of running it.
pub struct Series {
    pub name: &'static str,
    pub colour: &'static str,
    pub dashed: bool,
    /// `(archive size, value)`, in size order.
    pub points: Vec<(f64, f64)>,
}

/// One plot: a measure (`Wall time`) in a unit (`s`).
pub struct Panel {
    pub title: &'static str,
    pub unit: &'static str,
    pub series: Vec<Series>,
}

const PANEL_WIDTH: f64 = 420.0;
const PANEL_HEIGHT: f64 = 300.0;
const LEFT: f64 = 58.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 34.0;
const BOTTOM: f64 = 44.0;
const LEGEND: f64 = 26.0;

/// The panels side by side over one legend, with `caption` under them.
pub fn svg(panels: &[Panel], caption: &str) -> String {
    let width = PANEL_WIDTH * panels.len() as f64;
    let height = LEGEND + PANEL_HEIGHT + 22.0;
    let mut out = String::new();
    let _ = write!(
        out,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="11" fill="#222">"##
    );
    out.push_str(r##"<rect width="100%" height="100%" fill="#fff"/>"##);
    if let Some(first) = panels.first() {
        legend(&mut out, &first.series);
    }
    for (i, panel) in panels.iter().enumerate() {
        let _ = write!(out, r#"<g transform="translate({},{LEGEND})">"#, PANEL_WIDTH * i as f64);
        plot(&mut out, panel);
        out.push_str("</g>");
    }
    let _ = write!(out, r##"<text x="8" y="{}" fill="#555">{}</text>"##, height - 6.0, escape(caption));
    out.push_str("</svg>\n");
    out
}

fn legend(out: &mut String, series: &[Series]) {
    let mut x = LEFT;
    for s in series {
        let _ = write!(
            out,
            r#"<line x1="{x}" y1="14" x2="{}" y2="14" stroke="{}" stroke-width="2"{}/><text x="{}" y="18">{}</text>"#,
            x + 22.0,
            s.colour,
            dash(s.dashed),
            x + 27.0,
            escape(s.name)
        );
        x += 40.0 + 6.5 * s.name.chars().count() as f64;
    }
}

fn plot(out: &mut String, panel: &Panel) {
    let points = || panel.series.iter().flat_map(|s| s.points.iter());
    let (Some(xs), Some(ys)) = (Axis::over(points().map(|p| p.0)), Axis::over(points().map(|p| p.1))) else {
        return;
    };
    let (x0, x1, y0, y1) = (LEFT, PANEL_WIDTH - RIGHT, PANEL_HEIGHT - BOTTOM, TOP);
    let px = |v: f64| x0 + xs.fraction(v) * (x1 - x0);
    let py = |v: f64| y0 + ys.fraction(v) * (y1 - y0);
    let _ = write!(out, r#"<text x="{x0}" y="18" font-weight="600" font-size="12">{}</text>"#, escape(panel.title));
    for tick in ys.ticks() {
        let y = py(tick);
        let _ = write!(
            out,
            r##"<line x1="{x0}" y1="{y:.1}" x2="{x1}" y2="{y:.1}" stroke="#e4e4e4"/><text x="{}" y="{:.1}" text-anchor="end">{} {}</text>"##,
            x0 - 5.0,
            y + 4.0,
            number(tick),
            panel.unit
        );
    }
    let mut sizes: Vec<f64> = points().map(|p| p.0).collect();
    sizes.sort_by(f64::total_cmp);
    sizes.dedup();
    for size in sizes {
        let x = px(size);
        let _ = write!(
            out,
            r##"<line x1="{x:.1}" y1="{y1}" x2="{x:.1}" y2="{y0}" stroke="#efefef"/><text x="{x:.1}" y="{}" text-anchor="middle">{}</text>"##,
            y0 + 15.0,
            size_label(size)
        );
    }
    let _ = write!(
        out,
        r##"<rect x="{x0}" y="{y1}" width="{}" height="{}" fill="none" stroke="#999"/><text x="{}" y="{}" text-anchor="middle" fill="#555">postmortems (log scale, both axes)</text>"##,
        x1 - x0,
        y0 - y1,
        (x0 + x1) / 2.0,
        y0 + 32.0
    );
    for s in &panel.series {
        let path: Vec<String> = s.points.iter().map(|&(x, y)| format!("{:.1},{:.1}", px(x), py(y))).collect();
        if path.len() > 1 {
            let _ = write!(
                out,
                r#"<polyline points="{}" fill="none" stroke="{}" stroke-width="2"{}/>"#,
                path.join(" "),
                s.colour,
                dash(s.dashed)
            );
        }
        for &(x, y) in &s.points {
            let _ = write!(
                out,
                r#"<circle cx="{:.1}" cy="{:.1}" r="3" fill="{}"><title>{}: {} postmortems, {} {}</title></circle>"#,
                px(x),
                py(y),
                s.colour,
                escape(s.name),
                number(x),
                number(y),
                panel.unit
            );
        }
    }
}

/// A logarithmic axis from a nice round value below the smallest
/// measurement to one above the largest.
struct Axis {
    low: f64,
    high: f64,
}

impl Axis {
    fn over(values: impl Iterator<Item = f64>) -> Option<Axis> {
        let (low, high) = values
            .filter(|v| *v > 0.0)
            .fold(None, |range: Option<(f64, f64)>, v| Some(range.map_or((v, v), |(l, h)| (l.min(v), h.max(v)))))?;
        let down = |v: f64| nice_steps(v).into_iter().rev().find(|s| *s <= v * 0.85).unwrap_or(v / 2.0);
        let up = |v: f64| nice_steps(v).into_iter().find(|s| *s >= v * 1.15).unwrap_or(v * 2.0);
        Some(Axis { low: down(low), high: up(high) })
    }

    fn fraction(&self, v: f64) -> f64 {
        (v.ln() - self.low.ln()) / (self.high.ln() - self.low.ln())
    }

    /// 1, 2 and 5 of each decade in range, or only the 1s when that makes
    /// too many lines.
    fn ticks(&self) -> Vec<f64> {
        let mut decade = 10f64.powf(self.low.log10().floor());
        let mut all = Vec::new();
        while decade <= self.high {
            all.extend([decade, 2.0 * decade, 5.0 * decade].into_iter().filter(|t| *t >= self.low && *t <= self.high));
            decade *= 10.0;
        }
        if all.len() > 8 { all.into_iter().filter(|t| (t.log10().fract()).abs() < 1e-9).collect() } else { all }
    }
}

/// 1, 2 and 5 of the decades around `v`.
fn nice_steps(v: f64) -> Vec<f64> {
    let decade = 10f64.powf(v.log10().floor());
    [decade / 10.0, decade, decade * 10.0].iter().flat_map(|d| [*d, 2.0 * d, 5.0 * d]).collect()
}

/// `30k` for 30,000 postmortems.
fn size_label(v: f64) -> String {
    if v >= 1000.0 && (v / 1000.0).fract() == 0.0 { format!("{}k", v / 1000.0) } else { number(v) }
}

/// `2.5`, `5`, `120`, `2000`: as many digits as a chart needs.
fn number(v: f64) -> String {
    if v >= 10.0 || v.fract() == 0.0 {
        format!("{v:.0}")
    } else if v >= 1.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

fn dash(dashed: bool) -> &'static str {
    if dashed { r#" stroke-dasharray="5 3""# } else { "" }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}
