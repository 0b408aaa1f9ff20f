//! The pool occupancy chart (egui_plot): for one host's ephemeral port pool — or its ports
//! towards one destination — the ports in Assigned / Active / TimeWait over time as a % of the
//! OS profile's range, with the 60 % warning and 80 % critical lines; below it the TIME-WAIT
//! count (`ss -tan state time-wait | wc -l` on that host). The time cursor is a vertical line.

pub mod model;
pub mod state;

use std::sync::Arc;

use egui_plot::{HLine, Legend, Line, LineStyle, Plot, VLine};
use portlife::i18n::Lang;
use portlife::ports::PortModel;

use crate::app::inspector::occupancy::model::{CRITICAL_PCT, WARNING_PCT};
use crate::app::state::AppState;
use crate::app::theme;
use portlife::tr;

/// The port model under the current profile (the one the timeline shows).
fn model(state: &AppState) -> Option<Arc<PortModel>> {
    Some(Arc::clone(&state.loaded.as_ref()?.derived.ports))
}

pub fn show(ui: &mut egui::Ui, state: &mut AppState) {
    let Some(m) = model(state) else { return };
    let lang = state.lang;
    if m.hosts.is_empty() {
        ui.label(tr!(lang, "occupancy-no-client-ports"));
        return;
    }
    let occ = &mut state.inspector.occupancy;
    if occ
        .host
        .is_none_or(|h| !m.hosts.iter().any(|p| p.host == h))
    {
        occ.host = model::busiest_host(&m);
        occ.destination = None;
    }
    let Some(host) = occ.host else { return };
    ui.horizontal(|ui| {
        let mut hosts: Vec<_> = m.hosts.iter().collect();
        hosts.sort_by(|a, b| b.peak.occupancy_pct.total_cmp(&a.peak.occupancy_pct));
        egui::ComboBox::from_label(tr!(lang, "occupancy-host"))
            .selected_text(host.to_string())
            .show_ui(ui, |ui| {
                for p in hosts.iter().take(200) {
                    let text = peak_text(lang, &p.host, p.peak.occupancy_pct);
                    if ui
                        .selectable_label(occ.host == Some(p.host), text)
                        .clicked()
                    {
                        occ.host = Some(p.host);
                        occ.destination = None;
                    }
                }
            });
        let dest_text = occ
            .destination
            .map_or(tr!(lang, "occupancy-all-destinations"), |d| d.to_string());
        egui::ComboBox::from_label(tr!(lang, "occupancy-destination"))
            .selected_text(dest_text)
            .show_ui(ui, |ui| {
                ui.selectable_value(
                    &mut occ.destination,
                    None,
                    tr!(lang, "occupancy-all-destinations"),
                );
                for p in m.destinations.iter().filter(|p| p.host == host).take(200) {
                    if let Some(d) = p.destination {
                        let text = peak_text(lang, &d, p.peak.occupancy_pct);
                        ui.selectable_value(&mut occ.destination, Some(d), text);
                    }
                }
            });
        let p = m.profile_of(occ.host.unwrap_or(host));
        ui.weak(tr!(
            lang,
            "occupancy-range",
            note = m.profile_note.text(lang),
            lo = p.port_lo,
            hi = p.port_hi,
            size = p.range_size()
        ));
    });
    let (host, dest) = (occ.host.unwrap_or(host), occ.destination);
    let Some(series) = model::pool(&m, host, dest) else {
        ui.label(tr!(lang, "occupancy-no-series"));
        return;
    };
    let Some(l) = &state.loaded else { return };
    let key = (Arc::as_ptr(&m) as usize, host, dest);
    let chart = match &state.inspector.occupancy.chart {
        Some((k, c)) if *k == key => c.clone(),
        _ => {
            let c = Arc::new(model::chart(series, l.timeline.t0_ns));
            state.inspector.occupancy.chart = Some((key, c.clone()));
            c
        }
    };
    let max = chart.max_held_pct();
    let verdict = if max >= CRITICAL_PCT {
        tr!(lang, "occupancy-verdict-critical")
    } else if max >= WARNING_PCT {
        tr!(lang, "occupancy-verdict-warning")
    } else {
        tr!(lang, "occupancy-verdict-below")
    };
    ui.label(tr!(
        lang,
        "occupancy-peak",
        pct = format!("{:.1}", chart.peak_pct),
        size = chart.range_size,
        verdict = verdict
    ));
    let cursor = state.time_cursor;
    let held_color = ui.visuals().strong_text_color();
    let total_h = ui.available_height();
    let link = egui::Id::unique("occupancy-link");
    Plot::new("occupancy-pct")
        .height((total_h * 0.55).max(80.0))
        .legend(Legend::default().position(egui_plot::Corner::RightBottom))
        .link_axis(link, [true, false])
        .link_cursor(link, [true, false])
        .include_y(0.0)
        .include_y(100.0)
        .y_axis_label(tr!(lang, "occupancy-axis-pct"))
        .show(ui, |p| {
            p.line(
                Line::new(tr!(lang, "phase-assigned"), chart.assigned_pct.clone())
                    .color(theme::ASSIGNED),
            );
            p.line(
                Line::new(tr!(lang, "phase-active"), chart.active_pct.clone()).color(theme::ACTIVE),
            );
            p.line(
                Line::new(tr!(lang, "phase-time-wait"), chart.time_wait_pct.clone())
                    .color(theme::TIME_WAIT),
            );
            // Drawn last, on top: the sum is what runs out.
            p.line(
                Line::new(tr!(lang, "occupancy-series-held"), chart.held_pct.clone())
                    .color(held_color)
                    .width(1.5),
            );
            p.hline(
                HLine::new(tr!(lang, "occupancy-line-warning"), WARNING_PCT)
                    .color(egui::Color32::from_rgb(0xE6, 0x9F, 0x00))
                    .style(LineStyle::dashed_loose()),
            );
            p.hline(
                HLine::new(tr!(lang, "occupancy-line-critical"), CRITICAL_PCT)
                    .color(egui::Color32::from_rgb(0xD5, 0x5E, 0x00))
                    .style(LineStyle::dashed_loose()),
            );
            if let Some(at) = cursor {
                p.vline(VLine::new(tr!(lang, "occupancy-cursor"), at).width(2.0));
            }
        });
    // Tall enough that egui_plot keeps its y tick labels (it drops them when rows crowd).
    Plot::new("occupancy-tw")
        .height(ui.available_height().max(120.0))
        .show_axes([true, true])
        .link_axis(link, [true, false])
        .link_cursor(link, [true, false])
        .include_y(0.0)
        .x_axis_label(tr!(lang, "timeline-axis-relative"))
        .y_axis_label(tr!(lang, "occupancy-series-time-wait"))
        .show(ui, |p| {
            p.line(
                Line::new(
                    tr!(lang, "occupancy-axis-time-wait"),
                    chart.time_wait_count.clone(),
                )
                .color(theme::TIME_WAIT),
            );
            if let Some(at) = cursor {
                p.vline(VLine::new(tr!(lang, "occupancy-cursor"), at).width(2.0));
            }
        });
}

/// A host or destination with its peak occupancy, for the choosers.
fn peak_text(lang: Lang, what: &dyn std::fmt::Display, pct: f64) -> String {
    tr!(
        lang,
        "occupancy-series-peak",
        series = what,
        pct = format!("{pct:.1}")
    )
}
