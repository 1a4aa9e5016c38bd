//! The trend as inline SVG charts, readable without colour: every point and bar carries
//! its value as text, each line has its own dash style and each bar its own fill
//! pattern, a legend names them, and each chart has a `<title>` and a `<desc>`
//! listing its data for screen readers. No script, no external reference.

use std::fmt::Write;

use super::junit::esc;
use super::trend::{CycleState, Trend, TrendPoint};

const WIDTH: f64 = 680.0;
const HEIGHT: f64 = 240.0;
const LEFT: f64 = 60.0;
const RIGHT: f64 = 640.0;
const TOP: f64 = 40.0;
const BOTTOM: f64 = 190.0;

/// The x of point `i` of `n`, evenly spread over the plot.
fn x_of(i: usize, n: usize) -> f64 {
    if n <= 1 {
        return (LEFT + RIGHT) / 2.0;
    }
    LEFT + 30.0 + (RIGHT - LEFT - 60.0) * i as f64 / (n - 1) as f64
}

fn y_of(v: f64, max: f64) -> f64 {
    BOTTOM - (BOTTOM - TOP) * (v / max).clamp(0.0, 1.0)
}

fn open_svg(o: &mut String, id: &str, title: &str, desc: &str) {
    let _ = writeln!(
        o,
        "<svg id=\"{id}\" class=\"trend\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" \
xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{HEIGHT}\" viewBox=\"0 0 {WIDTH} {HEIGHT}\">"
    );
    let _ = writeln!(o, "<title id=\"{id}-title\">{}</title>", esc(title));
    let _ = writeln!(o, "<desc id=\"{id}-desc\">{}</desc>", esc(desc));
}

/// The axes and each cycle's name under its x.
fn axes(o: &mut String, points: &[TrendPoint], max_label: &str) {
    let _ = writeln!(
        o,
        "<line x1=\"{LEFT}\" y1=\"{BOTTOM}\" x2=\"{RIGHT}\" y2=\"{BOTTOM}\" stroke=\"#1d2125\"/>\
<line x1=\"{LEFT}\" y1=\"{TOP}\" x2=\"{LEFT}\" y2=\"{BOTTOM}\" stroke=\"#1d2125\"/>\
<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text><text x=\"{}\" y=\"{}\" text-anchor=\"end\">0</text>",
        LEFT - 6.0,
        TOP + 4.0,
        esc(max_label),
        LEFT - 6.0,
        BOTTOM + 4.0
    );
    for (i, p) in points.iter().enumerate() {
        let label = if p.state == CycleState::Open {
            format!("{} (open)", p.cycle)
        } else {
            p.cycle.clone()
        };
        let _ = writeln!(
            o,
            "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            x_of(i, points.len()),
            BOTTOM + 18.0,
            esc(&crate::text::one_line(&label))
        );
    }
}

/// A line series: its dash style and marker tell it apart without colour.
struct Line<'a> {
    key: &'a str,
    name: &'a str,
    dash: &'a str,
    /// A fixed top of the scale (a percentage's 100); None: from the values.
    scale: Option<f64>,
    values: Vec<Option<f64>>,
    /// The value as its label says it.
    text: fn(f64) -> String,
    /// What a missing value is called.
    missing: &'a str,
}

fn line_chart(o: &mut String, id: &str, title: &str, points: &[TrendPoint], line: &Line<'_>) {
    let known = line.values.iter().flatten().copied();
    // Rounded up, so the axis' top label is never below a drawn point.
    let max = line
        .scale
        .unwrap_or_else(|| (known.fold(0.0_f64, f64::max).max(1.0) * 1.15).ceil());
    let desc: Vec<String> = points
        .iter()
        .zip(&line.values)
        .map(|(p, v)| {
            format!(
                "{}: {}",
                p.cycle,
                v.map_or_else(|| line.missing.to_string(), line.text)
            )
        })
        .collect();
    open_svg(
        o,
        id,
        title,
        &format!("{}. {}.", line.name, desc.join("; ")),
    );
    axes(o, points, &(line.text)(max));
    // Legend: the series' own stroke and marker.
    let _ = writeln!(
        o,
        "<g class=\"legend\"><line x1=\"{LEFT}\" y1=\"16\" x2=\"{}\" y2=\"16\" stroke=\"#1d2125\" stroke-width=\"2\" stroke-dasharray=\"{}\"/>\
<circle cx=\"{}\" cy=\"16\" r=\"4\" fill=\"#fff\" stroke=\"#1d2125\" stroke-width=\"2\"/><text x=\"{}\" y=\"20\">{}</text></g>",
        LEFT + 36.0,
        line.dash,
        LEFT + 18.0,
        LEFT + 44.0,
        esc(line.name)
    );
    let n = points.len();
    // Segments join consecutive known values only: a gap stays a gap.
    let mut prev: Option<(f64, f64)> = None;
    for (i, v) in line.values.iter().enumerate() {
        let here = v.map(|v| (x_of(i, n), y_of(v, max)));
        if let (Some((x1, y1)), Some((x2, y2))) = (prev, here) {
            let _ = writeln!(
                o,
                "<line x1=\"{x1:.1}\" y1=\"{y1:.1}\" x2=\"{x2:.1}\" y2=\"{y2:.1}\" stroke=\"#1d2125\" stroke-width=\"2\" stroke-dasharray=\"{}\"/>",
                line.dash
            );
        }
        prev = here;
    }
    for (i, (p, v)) in points.iter().zip(&line.values).enumerate() {
        let x = x_of(i, n);
        let value = v.map_or_else(|| "unknown".to_string(), |v| format!("{v:.1}"));
        match v {
            Some(v) => {
                let y = y_of(*v, max);
                let _ = writeln!(
                    o,
                    "<circle class=\"trend-point\" data-series=\"{}\" data-cycle=\"{}\" data-value=\"{value}\" \
cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"4\" fill=\"#fff\" stroke=\"#1d2125\" stroke-width=\"2\"/>\
<text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                    line.key,
                    esc(&p.cycle),
                    y - 9.0,
                    esc(&(line.text)(*v))
                );
            }
            None => {
                let _ = writeln!(
                    o,
                    "<text class=\"trend-point\" data-series=\"{}\" data-cycle=\"{}\" data-value=\"{value}\" \
x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                    line.key,
                    esc(&p.cycle),
                    BOTTOM - 6.0,
                    esc(line.missing)
                );
            }
        }
    }
    o.push_str("</svg>\n");
}

/// The severities of the bar chart, each with its fill pattern (defined in the chart).
const SEVERITIES: [(&str, &str); 4] = [
    ("critical", "Critical"),
    ("high", "High"),
    ("medium", "Medium"),
    ("low", "Low"),
];

fn severity_counts(p: &TrendPoint) -> [usize; 4] {
    let s = &p.open_findings;
    [s.critical, s.high, s.medium, s.low]
}

fn severity_chart(o: &mut String, points: &[TrendPoint]) {
    let id = "trend-severity";
    let desc: Vec<String> = points
        .iter()
        .map(|p| {
            let c = severity_counts(p);
            format!(
                "{}: critical {}, high {}, medium {}, low {}",
                p.cycle, c[0], c[1], c[2], c[3]
            )
        })
        .collect();
    open_svg(
        o,
        id,
        "Open findings by severity per cycle",
        &format!("Open findings by severity. {}.", desc.join("; ")),
    );
    // Patterns: solid, diagonal hatch, dots, horizontal lines; ink-only, so a grey
    // printout still tells them apart.
    o.push_str(
        "<defs>\
<pattern id=\"pat-critical\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\"><rect width=\"6\" height=\"6\" fill=\"#1d2125\"/></pattern>\
<pattern id=\"pat-high\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#fff\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#1d2125\" stroke-width=\"3\"/></pattern>\
<pattern id=\"pat-medium\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\"><rect width=\"6\" height=\"6\" fill=\"#fff\"/><circle cx=\"3\" cy=\"3\" r=\"1.5\" fill=\"#1d2125\"/></pattern>\
<pattern id=\"pat-low\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\"><rect width=\"6\" height=\"6\" fill=\"#fff\"/><line x1=\"0\" y1=\"3\" x2=\"6\" y2=\"3\" stroke=\"#1d2125\" stroke-width=\"1\"/></pattern>\
</defs>\n",
    );
    let max = (points
        .iter()
        .flat_map(|p| severity_counts(p).into_iter())
        .max()
        .unwrap_or(0)
        .max(1) as f64
        * 1.15)
        .ceil();
    axes(o, points, &format!("{max:.0}"));
    o.push_str("<g class=\"legend\">");
    for (i, (key, name)) in SEVERITIES.iter().enumerate() {
        let x = LEFT + 110.0 * i as f64;
        let _ = write!(
            o,
            "<rect x=\"{x}\" y=\"8\" width=\"14\" height=\"14\" fill=\"url(#pat-{key})\" stroke=\"#1d2125\"/><text x=\"{}\" y=\"20\">{name}</text>",
            x + 20.0
        );
    }
    o.push_str("</g>\n");
    let n = points.len();
    let bar = 14.0;
    for (i, p) in points.iter().enumerate() {
        let center = x_of(i, n);
        for (j, ((key, _), count)) in SEVERITIES.iter().zip(severity_counts(p)).enumerate() {
            let x = center - 2.0 * bar + bar * j as f64;
            let y = y_of(count as f64, max);
            let _ = writeln!(
                o,
                "<rect class=\"trend-bar\" data-series=\"{key}\" data-cycle=\"{}\" data-value=\"{count}\" \
x=\"{x:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"url(#pat-{key})\" stroke=\"#1d2125\"/>\
<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"10\">{count}</text>",
                esc(&p.cycle),
                bar - 2.0,
                BOTTOM - y,
                x + (bar - 2.0) / 2.0,
                y - 3.0
            );
        }
    }
    o.push_str("</svg>\n");
}

/// The trend section of the HTML report.
pub fn render(o: &mut String, t: &Trend) {
    let _ = writeln!(o, "<h2>Trend over the last {} cycles</h2>", t.cycles);
    if t.points.is_empty() {
        o.push_str("<p>No cycle to show.</p>\n");
        return;
    }
    o.push_str(
        "<p class=\"meta\">Each cycle as of its close (an open cycle: as of this report), \
judged on the scans and exceptions of that time.</p>\n",
    );
    let pts = &t.points;
    line_chart(
        o,
        "trend-compliance",
        "Compliance per cycle (%)",
        pts,
        &Line {
            key: "compliance",
            name: "Compliance %",
            dash: "none",
            scale: Some(100.0),
            values: pts.iter().map(|p| p.compliance_pct).collect(),
            text: |v| format!("{v:.1}%"),
            missing: "unknown",
        },
    );
    severity_chart(o, pts);
    line_chart(
        o,
        "trend-kev",
        "Open findings in CISA KEV per cycle",
        pts,
        &Line {
            key: "kev",
            name: "KEV open",
            dash: "8 4",
            scale: None,
            values: pts.iter().map(|p| Some(p.kev_open as f64)).collect(),
            text: |v| format!("{v:.0}"),
            missing: "-",
        },
    );
    line_chart(
        o,
        "trend-mttr",
        "Mean time to remediate per cycle (days)",
        pts,
        &Line {
            key: "mttr",
            name: "MTTR (days)",
            dash: "2 4",
            scale: None,
            values: pts.iter().map(|p| p.mttr_days).collect(),
            text: |v| format!("{v:.1} d"),
            missing: "none fixed",
        },
    );
}
