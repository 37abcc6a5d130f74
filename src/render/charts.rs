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

/// Charts fill their column at any width (positions are percentages) while
/// text keeps the theme's size: a chart scaled down whole to fit a phone,
/// or a third of a page, drew its labels a few pixels high.
const ROW: f64 = 36.0;

/// Horizontal bars, one row per item, the label and value above the bar:
/// suits long labels (tags, services).
pub fn horizontal(title: &str, bars: &[Bar]) -> String {
    let height = ROW * bars.len().max(1) as f64;
    let max = bars.iter().map(|b| b.value).fold(0.0, f64::max).max(f64::MIN_POSITIVE);
    let mut svg = open(title, height);
    for (i, bar) in bars.iter().enumerate() {
        let y = ROW * i as f64;
        let length = if bar.value > 0.0 { (bar.value / max * 100.0).max(0.5) } else { 0.0 };
        let _ = write!(
            svg,
            r#"<text class="chart-label" x="0" y="{ty:.1}">{label}</text><text class="chart-value" x="100%" y="{ty:.1}" text-anchor="end">{value}</text><rect class="chart-bar" x="0" y="{by:.1}" width="{length:.2}%" height="10"/>"#,
            ty = y + 15.0,
            by = y + 21.0,
            label = escaped(&shorten(&bar.label, 40)),
            value = escaped(&bar.text),
        );
    }
    svg.push_str("</svg>");
    svg
}

/// The narrowest a chart is drawn (a phone's column), and the widest
/// (a page's), in pixels: they decide which column labels fit.
const NARROW: f64 = 320.0;
const WIDE: f64 = 700.0;
/// Room one quarter label (`Q3`) needs, and a value above its column.
const LABEL_ROOM: f64 = 22.0;
const VALUE_ROOM: f64 = 18.0;

/// Vertical columns in order, for incidents per quarter (`2024-Q1`…): each
/// column is labelled with its quarter, and the year under each Q1. Labels
/// that fit only a wide chart are marked `chart-wide-only` for the theme
/// to hide on narrow screens.
pub fn columns(title: &str, bars: &[Bar]) -> String {
    let n = bars.len().max(1) as f64;
    let every = |width: f64| (LABEL_ROOM * n / width).ceil().max(1.0) as usize;
    let every_wide = every(WIDE);
    // A multiple of `every_wide`, so that a narrow chart shows some of the same labels.
    let every_narrow = every(NARROW).div_ceil(every_wide) * every_wide;
    let plot_height = 160.0;
    let max = bars.iter().map(|b| b.value).fold(0.0, f64::max).max(f64::MIN_POSITIVE);
    let mut svg = open(title, plot_height + 56.0);
    for (i, bar) in bars.iter().enumerate() {
        let (x, center) = (100.0 * i as f64 / n, 100.0 * (i as f64 + 0.4) / n);
        let h = bar.value / max * plot_height;
        let y = 16.0 + plot_height - h;
        let _ = write!(
            svg,
            r#"<rect class="chart-bar" x="{x:.2}%" y="{y:.1}" width="{w:.2}%" height="{h:.1}"><title>{label}: {value}</title></rect>"#,
            w = 80.0 / n,
            label = escaped(&bar.label),
            value = escaped(&bar.text),
        );
        if bar.value > 0.0 && NARROW / n >= VALUE_ROOM {
            let _ = write!(
                svg,
                r#"<text class="chart-value" x="{center:.2}%" y="{vy:.1}" text-anchor="middle">{value}</text>"#,
                vy = y - 3.0,
                value = escaped(&bar.text),
            );
        }
        let (year, quarter) = bar.label.split_once('-').unwrap_or((&bar.label, ""));
        if i % every_wide == 0 {
            let class = if i % every_narrow == 0 { "chart-label" } else { "chart-label chart-wide-only" };
            let _ = write!(
                svg,
                r#"<text class="{class}" x="{center:.2}%" y="{ly:.1}" text-anchor="middle">{quarter}</text>"#,
                ly = 16.0 + plot_height + 16.0,
                quarter = escaped(quarter),
            );
        }
        // The first column's year too, unless the next column's is right beside it.
        if quarter == "Q1" || i == 0 && quarter != "Q4" {
            let _ = write!(
                svg,
                r#"<text class="chart-label" x="{x:.2}%" y="{ly:.1}">{year}</text>"#,
                ly = 16.0 + plot_height + 34.0,
                year = escaped(year),
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

fn open(title: &str, height: f64) -> String {
    format!(
        r#"<svg class="chart" width="100%" height="{height:.0}" role="img" aria-label="{label}" xmlns="http://www.w3.org/2000/svg"><title>{label}</title>"#,
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
        assert!(svg.contains(r#"width="100.00%""#) && svg.contains(r#"width="50.00%""#), "{svg}");
        assert!(svg.contains("&lt;dns&gt;") && svg.contains(r#"aria-label="Incidents by tag""#));
    }

    #[test]
    fn columns_have_a_tooltip_each() {
        let svg = columns("Per quarter", &bars());
        assert_eq!(svg.matches("<title>").count(), 3, "{svg}");
    }

    #[test]
    fn every_quarter_is_labelled_that_fits_and_each_year_once() {
        let quarters = |n: usize| -> Vec<Bar> {
            (0..n)
                .map(|i| Bar { label: format!("{}-Q{}", 2020 + i / 4, i % 4 + 1), value: 1.0, text: "1".into() })
                .collect()
        };
        let few = columns("q", &quarters(12));
        assert_eq!(few.matches(">Q").count(), 12, "{few}");
        assert_eq!(few.matches(">2021<").count(), 1, "{few}");
        let many = columns("q", &quarters(40));
        let (all, wide_only) = (many.matches(">Q").count(), many.matches("chart-wide-only").count());
        assert_eq!(all, 20, "every second quarter fits a wide chart");
        assert_eq!(all - wide_only, 10, "every fourth a narrow one");
    }
}
