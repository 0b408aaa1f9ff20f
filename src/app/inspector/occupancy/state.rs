//! What the occupancy chart remembers between frames: the host and destination chosen, and the
//! chart drawn for them (rebuilt when the model or the choice changes).

use std::net::IpAddr;
use std::sync::Arc;

use portlife::decode::Endpoint;

use crate::app::inspector::occupancy::model::Chart;

/// The occupancy chart's state.
#[derive(Default)]
pub struct OccupancyState {
    pub host: Option<IpAddr>,
    pub destination: Option<Endpoint>,
    /// The lines drawn for (model address, host, destination).
    pub chart: Option<(ChartKey, Arc<Chart>)>,
}

/// What a cached occupancy chart was drawn from: model address, host, destination.
pub type ChartKey = (usize, IpAddr, Option<Endpoint>);
