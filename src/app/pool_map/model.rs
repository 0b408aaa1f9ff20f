//! View-model of the pool map window: the port model of the open capture under the chosen
//! profile (the one the timeline shows, [`crate::app::loaded::Loaded::derived`], with the UDP flows
//! as the report derives it, so the counters are the report's), the hosts and port-choice
//! reading cached until that model changes, and the map at the shared time cursor.
//!
//! Like the timeline's [`crate::app::timeline::model`], this is the only place the pool map panel
//! reads the core model from.

use std::net::IpAddr;
use std::sync::Arc;

use portlife::decode::Endpoint;
use portlife::ports::{self, ChoiceReading, ClientHost, PoolMap, PortChoice, PortModel};

use crate::app::derived::CaptureModel;
use crate::app::loaded::Loaded;

/// What the pool map window shows and remembers between frames.
#[derive(Default)]
pub struct PoolMapState {
    /// The window is open (toolbar toggle).
    pub open: bool,
    /// The client host shown; `None` = the one with the most connections.
    pub host: Option<IpAddr>,
    /// Only ports held towards this destination; `None` = all.
    pub destination: Option<Endpoint>,
    cache: Option<Cached>,
}

/// The derived model and what does not change with time, for one capture and profile.
struct Cached {
    capture: Arc<CaptureModel>,
    model: Arc<PortModel>,
    hosts: Vec<ClientHost>,
    /// The port choices of one host and their reading (they do not change with time).
    choice: Option<(IpAddr, Arc<[PortChoice]>, Arc<ChoiceReading>)>,
}

/// Everything the panel draws for one frame.
pub struct PoolFrame {
    pub hosts: Vec<ClientHost>,
    pub host: IpAddr,
    pub destinations: Vec<Endpoint>,
    pub map: PoolMap,
    /// The instant shown, seconds from the timeline's t0.
    pub at_s: f64,
    /// The host's port choices in order, and their reading (shared with the cache).
    pub choices: Arc<[PortChoice]>,
    pub reading: Arc<ChoiceReading>,
    pub profile_label: String,
}

impl PoolMapState {
    /// Derive the port model for `loaded` under the profile again when either changed.
    fn refresh(&mut self, loaded: &Loaded) {
        let stale = match &self.cache {
            Some(c) => {
                !Arc::ptr_eq(&c.capture, &loaded.capture)
                    || !Arc::ptr_eq(&c.model, &loaded.derived.ports)
            }
            None => true,
        };
        if stale {
            let model = Arc::clone(&loaded.derived.ports);
            let hosts = ports::client_hosts(&model);
            self.cache = Some(Cached {
                capture: Arc::clone(&loaded.capture),
                model,
                hosts,
                choice: None,
            });
        }
    }

    /// The frame to draw at `time_cursor` (seconds from t0; `None` = end of the capture), or
    /// `None` when the capture has no client ports.
    pub fn frame(&mut self, loaded: &Loaded, time_cursor: Option<f64>) -> Option<PoolFrame> {
        let tl = &loaded.timeline;
        let at_s = time_cursor.unwrap_or(tl.capture_end);
        let at_ns = tl.abs_ns(at_s);
        let wanted = self.host;
        let wanted_dest = self.destination;
        self.refresh(loaded);
        let c = self.cache.as_mut().expect("cached");
        let host = wanted
            .filter(|h| c.hosts.iter().any(|x| x.host == *h))
            .or_else(|| c.hosts.first().map(|x| x.host))?;
        let destinations = ports::destinations_of(&c.model, host);
        let destination = wanted_dest.filter(|d| destinations.contains(d));
        let map = ports::pool_map(&c.model, host, destination, at_ns);
        if c.choice.as_ref().is_none_or(|(h, _, _)| *h != host) {
            let choices = ports::port_choices(&c.model, host);
            let port_list: Vec<u16> = choices.iter().map(|p| p.port).collect();
            let reading = ports::read_choice(&port_list);
            c.choice = Some((host, choices.into(), Arc::new(reading)));
        }
        let (_, choices, reading) = c.choice.clone().expect("just filled");
        let profile_label = c.model.profile_of(host).label.clone();
        let hosts = c.hosts.clone();
        self.destination = destination;
        Some(PoolFrame {
            hosts,
            host,
            destinations,
            map,
            at_s,
            choices,
            reading,
            profile_label,
        })
    }
}
