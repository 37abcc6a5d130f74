//! Charts as inline SVG, drawn at build time: readable without JavaScript,
//! styled by the theme's CSS (so dark mode and print just work), and
//! described for screen readers by a title and the figure's data table.

use crate::ingest::text::shorten;
use pulldown_cmark_escape::escape_html;
use std::fmt::Write;

/// One bar: its label, its value and the value as shown.
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub text: String,
}

const ROW: f64 = 22.0;
const LABEL_WIDTH: f64 = 170.0;
const BAR_WIDTH: f64 = 360.0;

/// Horizontal bars, one row per item: suits long labels (tags, services).
pub fn horizontal(title: &str, bars: &[Bar]) -> String {
    let height = ROW * bars.len().max(1) as f64 + 8.0;
    let width = LABEL_WIDTH + BAR_WIDTH + 80.0;
    let max = bars.iter().map(|b| b.value).fold(0.0, f64::max).max(f64::MIN_POSITIVE);
    let mut svg = open(title, width, height);
    for (i, bar) in bars.iter().enumerate() {
        let y = 4.0 + ROW * i as f64;
        let length = (bar.value / max * BAR_WIDTH).max(if bar.value > 0.0 { 2.0 } else { 0.0 });
        let _ = write!(
            svg,
            r#"<text class="chart-label" x="{x}" y="{ty:.1}" text-anchor="end">{label}</text><rect class="chart-bar" x="{bx}" y="{y:.1}" width="{length:.1}" height="{h:.1}"/><text class="chart-value" x="{vx:.1}" y="{ty:.1}">{value}</text>"#,
            x = LABEL_WIDTH - 8.0,
            ty = y + ROW * 0.65,
            label = escaped(&shorten(&bar.label, 24)),
            bx = LABEL_WIDTH,
            h = ROW - 6.0,
            vx = LABEL_WIDTH + length + 6.0,
            value = escaped(&bar.text),
        );
    }
    svg.push_str("</svg>");
    svg
}

/// Vertical columns in order: suits a time series (incidents per quarter).
pub fn columns(title: &str, bars: &[Bar]) -> String {
    let column = (560.0 / bars.len().max(1) as f64).clamp(6.0, 48.0);
    let (plot_height, width) = (160.0, column * bars.len().max(1) as f64 + 20.0);
    let height = plot_height + 46.0;
    let max = bars.iter().map(|b| b.value).fold(0.0, f64::max).max(f64::MIN_POSITIVE);
    // Label every n-th column so that labels never overlap.
    let label_every = (44.0 / column).ceil().max(1.0) as usize;
    let mut svg = open(title, width, height);
    for (i, bar) in bars.iter().enumerate() {
        let x = 10.0 + column * i as f64;
        let h = bar.value / max * plot_height;
        let y = 16.0 + plot_height - h;
        let _ = write!(
            svg,
            r#"<rect class="chart-bar" x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{h:.1}"><title>{label}: {value}</title></rect>"#,
            w = column * 0.8,
            label = escaped(&bar.label),
            value = escaped(&bar.text),
        );
        if bar.value > 0.0 && column >= 18.0 {
            let _ = write!(
                svg,
                r#"<text class="chart-value" x="{cx:.1}" y="{vy:.1}" text-anchor="middle">{value}</text>"#,
                cx = x + column * 0.4,
                vy = y - 3.0,
                value = escaped(&bar.text),
            );
        }
        if i % label_every == 0 {
            let _ = write!(
                svg,
                r#"<text class="chart-label" x="{cx:.1}" y="{ly:.1}" text-anchor="middle">{label}</text>"#,
                cx = x + column * 0.4,
                ly = 16.0 + plot_height + 16.0,
                label = escaped(&bar.label),
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

fn open(title: &str, width: f64, height: f64) -> String {
    format!(
        r#"<svg class="chart" viewBox="0 0 {width:.0} {height:.0}" role="img" aria-label="{label}" xmlns="http://www.w3.org/2000/svg"><title>{label}</title>"#,
        label = escaped(title)
    )
}

fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let _ = escape_html(&mut out, text);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bars() -> Vec<Bar> {
        vec![
            Bar { label: "database".into(), value: 4.0, text: "4".into() },
            Bar { label: "<dns>".into(), value: 2.0, text: "2".into() },
        ]
    }

    #[test]
    fn longest_bar_fills_the_plot_and_labels_are_escaped() {
        let svg = horizontal("Incidents by tag", &bars());
        assert!(svg.contains(r#"width="360.0""#) && svg.contains(r#"width="180.0""#), "{svg}");
        assert!(svg.contains("&lt;dns&gt;") && svg.contains(r#"aria-label="Incidents by tag""#));
    }

    #[test]
    fn columns_have_a_tooltip_each() {
        let svg = columns("Per quarter", &bars());
        assert_eq!(svg.matches("<title>").count(), 3, "{svg}");
    }
}
