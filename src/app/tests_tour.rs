//! egui_kittest tests of the tour bar: a chapter's tour played through the real app, its sample
//! opened by the real loader, stepped with the buttons and the arrow keys.

use std::time::Duration;

use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;
use portlife::i18n::Lang;
use portlife::tour;

use super::inspector::state::Tab;
use super::tests::harness;
use super::PortlifeApp;

/// Start the tour `id` and wait for its sample to open.
fn play(h: &mut Harness<'static, PortlifeApp>, id: &str) -> &'static tour::Tour {
    let ctx = h.ctx.clone();
    super::tour::start_by_id(&mut h.state_mut().state, id, &ctx);
    let path = h.state().state.loading.as_ref().map(|j| j.path.clone());
    if let Some(path) = path {
        let job = h.state_mut().state.loading.as_mut().expect("a load job");
        let result = job.wait(Duration::from_secs(600)).expect("loader answered");
        let st = &mut h.state_mut().state;
        st.loading = None;
        st.finish_load(path, result);
    }
    h.run();
    tour::by_id(id).unwrap()
}

/// What a step asks of the views is what the app shows: the connection selected, the tab, the
/// time cursor at the step's time.
fn assert_at_step(h: &Harness<'static, PortlifeApp>, tr: &tour::Tour, i: usize) {
    let st = &h.state().state;
    let step = &tr.steps[i];
    let l = st.loaded.as_ref().expect("the tour's sample is open");
    let first = l.capture.first_ts_ns.unwrap();
    if step.select.is_some() {
        let want = step
            .connection(&l.capture.connections, first)
            .map(|c| c as u32);
        assert_eq!(st.selection, want, "step {}: selection", i + 1);
    }
    if let Some(at) = step.at_ns(first) {
        let cursor = st.time_cursor.expect("a time cursor");
        let want = (at - l.timeline.t0_ns) as f64 / 1e9;
        assert!(
            (cursor - want).abs() < 1e-6,
            "step {}: cursor {cursor} ≠ {want}",
            i + 1
        );
        assert!(
            st.view.start <= cursor && cursor <= st.view.end,
            "step {}: cursor out of view",
            i + 1
        );
    }
    if let Some(tab) = step.tab {
        let want = match tab {
            tour::Tab::Ladder => Tab::Ladder,
            tour::Tab::States => Tab::States,
            tour::Tab::Occupancy => Tab::Occupancy,
            tour::Tab::Table => Tab::Table,
        };
        assert_eq!(st.inspector.tab, want, "step {}: tab", i + 1);
    }
    assert_eq!(
        st.profile,
        tr.profile_at(i).kind(),
        "step {}: profile",
        i + 1
    );
    h.get_by_label(step.text.get(st.lang));
    h.get_by_label(&format!("step {} of {}", i + 1, tr.steps.len()));
}

/// Chapter 7's tour opens its sample, shows its first step, and Next, →, ← and Back walk it
/// the way a reader expects; End tour takes the bar away and leaves the capture open.
#[test]
fn a_tour_opens_its_sample_and_steps_with_buttons_and_keys() {
    let mut h = harness();
    let tr = play(&mut h, "ch07");
    assert!(tr.steps.len() >= 3, "the tour has steps to walk");
    let name = h.state().state.loaded.as_ref().unwrap().path.clone();
    assert!(
        name.ends_with(&tr.sample),
        "{} opened, not {}",
        name.display(),
        tr.sample
    );
    h.get_by_label(&tr.title.en);
    assert_at_step(&h, tr, 0);
    h.get_by_label("◀ Back");
    h.get_by_label("Next ▶").click();
    h.run();
    assert_at_step(&h, tr, 1);
    h.key_press(egui::Key::ArrowRight);
    h.run();
    assert_at_step(&h, tr, 2);
    h.key_press(egui::Key::ArrowLeft);
    h.run();
    assert_at_step(&h, tr, 1);
    h.get_by_label("◀ Back").click();
    h.run();
    assert_at_step(&h, tr, 0);
    h.get_by_label("End tour").click();
    h.run();
    assert!(
        h.query_by_label(&tr.steps[0].text.en).is_none(),
        "the bar is gone"
    );
    assert!(h.state().state.loaded.is_some(), "the capture stays open");
}

/// Walked to the end and back, every step shows what it says, under the profile its sentence
/// was checked against: a step that switched to Linux is undone by stepping back past it.
#[test]
fn walking_a_tour_to_the_end_and_back_restores_each_steps_views() {
    let mut h = harness();
    let tr = play(&mut h, "ch07");
    let n = tr.steps.len();
    for i in 1..n {
        h.key_press(egui::Key::ArrowRight);
        h.run();
        assert_at_step(&h, tr, i);
    }
    h.key_press(egui::Key::ArrowRight);
    h.run();
    assert_at_step(&h, tr, n - 1);
    for i in (0..n - 1).rev() {
        h.key_press(egui::Key::ArrowLeft);
        h.run();
        assert_at_step(&h, tr, i);
    }
}

/// The same tour in Traditional Chinese: the bar's words and the step's sentence are the
/// Chinese ones.
#[test]
fn a_tour_speaks_the_apps_language() {
    let mut h = harness();
    h.state_mut().state.lang = Lang::ZhTw;
    let tr = play(&mut h, "ch07");
    h.get_by_label(&tr.title.zh_tw);
    h.get_by_label(&format!("第 1 步，共 {} 步", tr.steps.len()));
    h.get_by_label(&tr.steps[0].text.zh_tw);
    h.get_by_label("下一步 ▶");
}

/// A tour that does not exist is said in the bar, not a panic, and opens nothing.
#[test]
fn an_unknown_tour_is_said_in_the_bar() {
    let mut h = harness();
    let ctx = h.ctx.clone();
    super::tour::start_by_id(&mut h.state_mut().state, "ch99", &ctx);
    h.run();
    h.get_by_label_contains("no such tour");
    assert!(h.state().state.loading.is_none());
}
