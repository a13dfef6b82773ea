//! Prometheus metrics: requests and latencies (recorded by the server), jobs, queue depth,
//! open agent streams, upload volume.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabels {
    pub route: String,
    pub code: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteOnly {
    pub route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct JobLabels {
    pub kind: String,
    pub status: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct KindLabel {
    pub kind: String,
}

/// Every metric cutroom exports.
pub struct Metrics {
    registry: Registry,
    pub requests: Family<RouteLabels, Counter>,
    pub latency: Family<RouteOnly, Histogram>,
    pub jobs: Family<JobLabels, Counter>,
    pub queue: Family<KindLabel, Gauge>,
    pub streams: Gauge,
    pub upload_bytes: Counter,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("cutroom");
        let requests = Family::<RouteLabels, Counter>::default();
        let latency = Family::<RouteOnly, Histogram>::new_with_constructor(|| {
            Histogram::new(exponential_buckets(0.0005, 2.0, 16))
        });
        let jobs = Family::<JobLabels, Counter>::default();
        let queue = Family::<KindLabel, Gauge>::default();
        let streams = Gauge::default();
        let upload_bytes = Counter::default();
        registry.register("http_requests", "HTTP requests by route and envelope code", requests.clone());
        registry.register("http_request_duration_seconds", "Time to answer, by route", latency.clone());
        registry.register("jobs", "Jobs finished, by kind and outcome", jobs.clone());
        registry.register("queue_depth", "Jobs waiting, by kind", queue.clone());
        registry.register("sse_streams", "Open agent event streams", streams.clone());
        registry.register("upload_bytes", "Bytes received in uploads", upload_bytes.clone());
        Metrics { registry, requests, latency, jobs, queue, streams, upload_bytes }
    }
}

/// Counts one open event stream while it lives.
pub struct StreamGuard(Gauge);

impl Drop for StreamGuard {
    fn drop(&mut self) {
        self.0.dec();
    }
}

impl Metrics {
    /// Marks an event stream open until the guard is dropped.
    pub fn stream_opened(&self) -> StreamGuard {
        self.streams.inc();
        StreamGuard(self.streams.clone())
    }

    /// The text exposition format.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        prometheus_client::encoding::text::encode(&mut out, &self.registry).expect("writing to a string");
        out
    }
}
