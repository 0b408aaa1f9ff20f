//! criterion benchmarks of the three hot stages, in packets (or connections) per second:
//! decode, tracker, and port-phase derivation. The capture is made in memory by the synthesizer
//! (http-no-keepalive, ~500 connections / ~10 k packets per unit of scale).
//!
//!     cargo bench --no-default-features --bench pipeline

use std::io::Cursor;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use portlife::decode::{self, Decoded};
use portlife::ports::{self, Profile};
use portlife::source::FileSource;
use portlife::tcp::Tracker;

/// (index, ts, linktype, frame) of every packet of a synthetic capture.
fn frames(scale: u32) -> Vec<(u64, i64, u16, Vec<u8>)> {
    let mut buf = Vec::new();
    portlife::synth::write_scenario("http-no-keepalive", 1, scale, &mut buf).unwrap();
    let len = buf.len() as u64;
    let mut src = FileSource::from_reader(Cursor::new(buf), Some(len), "bench").unwrap();
    let mut v = Vec::new();
    while let Some(p) = src.next_packet() {
        v.push((p.index, p.ts_ns, p.linktype, p.data.to_vec()));
    }
    v
}

fn benches(c: &mut Criterion) {
    let frames = frames(4);
    let decoded: Vec<(u64, i64, Decoded)> = frames
        .iter()
        .map(|(i, t, lt, f)| (*i, *t, decode::decode(*lt, f)))
        .collect();

    let mut g = c.benchmark_group("stages");
    g.throughput(Throughput::Elements(frames.len() as u64));
    g.bench_function("decode", |b| {
        b.iter(|| {
            frames
                .iter()
                .filter(|(_, _, lt, f)| matches!(decode::decode(*lt, f), Decoded::Tcp(_)))
                .count()
        })
    });
    g.bench_function("tracker", |b| {
        b.iter(|| {
            let mut t = Tracker::new();
            for (i, ts, d) in &decoded {
                t.push(*i, *ts, d);
            }
            t.finish(decoded.last().map_or(0, |d| d.1));
            t.connections().len()
        })
    });
    let mut t = Tracker::new();
    for (i, ts, d) in &decoded {
        t.push(*i, *ts, d);
    }
    let end = decoded.last().map_or(0, |d| d.1);
    t.finish(end);
    let (conns, udp) = t.into_parts();
    g.throughput(Throughput::Elements(conns.len() as u64));
    for (name, profile) in [
        ("derive linux", Profile::Linux),
        ("derive windows", Profile::Windows),
    ] {
        g.bench_function(name, |b| {
            b.iter(|| ports::derive(&conns, &udp, &profile, end).spans.len())
        });
    }
    g.finish();
}

criterion_group!(pipeline, benches);
criterion_main!(pipeline);
