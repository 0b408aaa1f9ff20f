//! The connection table: one row per connection (4-tuple, generation, start, duration, outcome,
//! who closed, bytes each way, Zeek history), sortable by clicking a header, filtered by a text
//! box. Clicking a row selects the connection (the timeline highlights and zooms to it, the
//! ladder shows it); a selection made in the timeline scrolls the table to its row.
//! Ctrl/⌘-click marks several rows; "Copy as CSV" copies the marked rows (or the selected one).

pub mod model;
pub mod state;

use std::sync::Arc;

use egui_extras::{Column as TColumn, TableBuilder};

use crate::app::derived::capture_key;
use crate::app::inspector::table::model::{Column, Sort, TableRow};
use crate::app::state::AppState;
use crate::app::timeline::model::end_state_text;
use portlife::tr;

/// The rows of the open capture, cached.
fn rows(state: &mut AppState) -> Arc<Vec<TableRow>> {
    let Some(l) = &state.loaded else {
        return Arc::default();
    };
    let key = capture_key(&l.capture);
    match &state.inspector.table.rows {
        Some((k, r)) if *k == key => r.clone(),
        _ => {
            let r = Arc::new(model::rows(&l.capture, l.timeline.t0_ns));
            state.inspector.table.rows = Some((key, r.clone()));
            r
        }
    }
}

/// Select connection `conn` from the table: the timeline zooms and scrolls to it.
pub fn select(state: &mut AppState, conn: u32) {
    state.selection = Some(conn);
    state.inspector.table.followed = Some(conn);
    state.timeline_view.reveal = Some(conn);
    state.zoom_to_selection();
}

pub fn show(ui: &mut egui::Ui, state: &mut AppState) {
    let rows = rows(state);
    let lang = state.lang;
    ui.horizontal(|ui| {
        let l = ui.label(tr!(lang, "table-filter"));
        ui.add(
            egui::TextEdit::singleline(&mut state.inspector.table.filter)
                .hint_text(tr!(lang, "table-filter-hint"))
                .desired_width(260.0),
        )
        .labelled_by(l.id);
        let marked: Vec<&TableRow> = rows
            .iter()
            .filter(|r| {
                !r.udp
                    && (state.inspector.table.marked.contains(&r.conn)
                        || (state.inspector.table.marked.is_empty()
                            && state.selection == Some(r.conn)))
            })
            .collect();
        if ui
            .add_enabled(
                !marked.is_empty(),
                egui::Button::new(tr!(lang, "table-copy-csv")),
            )
            .on_hover_text(tr!(lang, "table-copy-csv-tooltip"))
            .clicked()
        {
            ui.ctx().copy_text(model::to_csv(marked.iter().copied()));
        }
        if !state.inspector.table.marked.is_empty()
            && ui.button(tr!(lang, "table-unmark-all")).clicked()
        {
            state.inspector.table.marked.clear();
        }
    });
    let key = (
        Arc::as_ptr(&rows) as usize,
        state.inspector.table.filter.clone(),
        state.inspector.table.sort,
    );
    let order = match &state.inspector.table.order {
        Some((k, o)) if *k == key => o.clone(),
        _ => {
            let o = Arc::new(model::view(&rows, &key.1, key.2));
            state.inspector.table.order = Some((key, o.clone()));
            o
        }
    };
    let udp = rows.iter().filter(|r| r.udp).count();
    if udp == 0 {
        ui.weak(tr!(
            lang,
            "table-shown",
            shown = order.len(),
            count = rows.len()
        ));
    } else {
        ui.weak(tr!(
            lang,
            "table-shown-rows",
            shown = order.len(),
            count = rows.len(),
            connections = rows.len() - udp,
            flows = udp
        ));
    }
    // Follow a selection made elsewhere (timeline): scroll to its row once.
    let scroll_to = match state.selection {
        Some(s) if state.inspector.table.followed != Some(s) => {
            state.inspector.table.followed = Some(s);
            order
                .iter()
                .position(|i| !rows[*i].udp && rows[*i].conn == s)
        }
        _ => None,
    };
    let tuple_w = {
        let key = Arc::as_ptr(&rows) as usize;
        let longest = match state.inspector.table.longest_tuple {
            Some((k, n)) if k == key => n,
            _ => {
                let n = rows.iter().map(|r| r.tuple().len()).max().unwrap_or(30);
                state.inspector.table.longest_tuple = Some((key, n));
                n
            }
        };
        let mono = egui::TextStyle::Monospace.resolve(ui.style());
        let char_w = ui.ctx().fonts_mut(|f| f.glyph_width(&mono, '0'));
        (longest as f32 * char_w + 16.0).clamp(230.0, 760.0)
    };
    let mut sort = state.inspector.table.sort;
    let mut clicked: Option<(u32, bool)> = None;
    // Wide tables (long addresses, narrow window) scroll sideways inside the panel.
    egui::ScrollArea::horizontal()
        .id_salt("connection-table-h")
        .show(ui, |ui| {
            let mut builder = TableBuilder::new(ui)
                .id_salt("connection-table")
                .striped(true)
                .resizable(true)
                .sense(egui::Sense::click())
                .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
                // Wide enough for the longest 4-tuple (IPv6 included), so no server address is cut
                // off; still resizable by dragging the header's edge.
                .column(TColumn::initial(tuple_w).at_least(120.0).clip(true))
                .columns(TColumn::auto().at_least(40.0), 8)
                .column(TColumn::remainder().at_least(80.0).clip(true));
            if let Some(r) = scroll_to {
                builder = builder.scroll_to_row(r, Some(egui::Align::Center));
            }
            builder
                .header(22.0, |mut header| {
                    for col in Column::ALL {
                        if col == Column::History {
                            header.col(|ui| {
                                ui.strong(tr!(lang, "table-column-at-cursor"))
                                    .on_hover_text(tr!(lang, "table-at-cursor-tooltip"));
                            });
                        }
                        header.col(|ui| {
                            let arrow = match (sort.column == col, sort.descending) {
                                (true, false) => " ^",
                                (true, true) => " v",
                                (false, _) => "",
                            };
                            if ui
                                .button(
                                    egui::RichText::new(format!("{}{arrow}", col.title(lang)))
                                        .strong(),
                                )
                                .on_hover_text(tr!(lang, "table-sort-tooltip"))
                                .clicked()
                            {
                                sort = if sort.column == col {
                                    Sort {
                                        column: col,
                                        descending: !sort.descending,
                                    }
                                } else {
                                    Sort {
                                        column: col,
                                        descending: false,
                                    }
                                };
                            }
                        });
                    }
                })
                .body(|body| {
                    body.rows(20.0, order.len(), |mut row| {
                        let r = &rows[order[row.index()]];
                        let selected = !r.udp
                            && (state.selection == Some(r.conn)
                                || state.inspector.table.marked.contains(&r.conn));
                        row.set_selected(selected);
                        for col in Column::ALL {
                            if col == Column::History {
                                row.col(|ui| {
                                    let text = if r.udp {
                                        "UDP".to_string()
                                    } else {
                                        at_cursor(state, r.conn)
                                    };
                                    ui.add(egui::Label::new(text).selectable(false));
                                });
                            }
                            row.col(|ui| {
                                let text = model::cell(r, col, lang);
                                if col == Column::Tuple {
                                    ui.add(
                                        egui::Label::new(egui::RichText::new(text).monospace())
                                            .selectable(false),
                                    );
                                } else {
                                    ui.add(egui::Label::new(text).selectable(false));
                                }
                            });
                        }
                        let resp = row.response();
                        if resp.clicked() && !r.udp {
                            let multi = resp.ctx.input(|i| i.modifiers.command);
                            clicked = Some((r.conn, multi));
                        }
                    });
                });
        });
    state.inspector.table.sort = sort;
    if let Some((conn, multi)) = clicked {
        if multi {
            if !state.inspector.table.marked.remove(&conn) {
                state.inspector.table.marked.insert(conn);
            }
        } else {
            state.inspector.table.marked.clear();
            select(state, conn);
        }
    }
}

/// Both ends' states at the time cursor, `client / server`; empty without a cursor, and
/// `not yet` before the connection's first packet.
fn at_cursor(state: &AppState, conn: u32) -> String {
    let (Some(at), Some(l)) = (state.time_cursor, &state.loaded) else {
        return String::new();
    };
    let Some(c) = model::connection(&l.capture, conn) else {
        return String::new();
    };
    let ns = l.timeline.abs_ns(at) + 1;
    if ns < c.start_ns {
        return tr!(state.lang, "table-not-yet");
    }
    let (cs, ss) = l.derived.ports.states_at(c, ns);
    format!(
        "{} / {}",
        end_state_text(cs, state.lang),
        end_state_text(ss, state.lang)
    )
}
