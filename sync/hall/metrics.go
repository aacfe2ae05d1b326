package hall

import (
	"context"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the hall's Prometheus metrics, in a registry of its own so
// that several halls (tests, the kiosk's demo mode) can run in one process.
type metrics struct {
	reg         *prometheus.Registry
	requests    *prometheus.CounterVec
	duration    *prometheus.HistogramVec
	cases       *prometheus.CounterVec
	evaluations *prometheus.CounterVec
	batch       prometheus.Histogram
}

func newMetrics(s *Server) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "govkiosk_hall_requests_total",
			Help: "HTTP requests by route pattern and status code.",
		}, []string{"route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "govkiosk_hall_request_duration_seconds",
			Help:    "HTTP request duration by route pattern.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14),
		}, []string{"route"}),
		cases: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "govkiosk_hall_cases_total",
			Help: "Uploaded cases by result (applied, duplicate, rejected).",
		}, []string{"result"}),
		evaluations: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "govkiosk_hall_evaluations_total",
			Help: "Uploaded evaluations by result (applied, duplicate, rejected).",
		}, []string{"result"}),
		batch: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "govkiosk_hall_case_batch_seconds",
			Help:    "Time from receiving a case batch to answering it, durable commit included.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14),
		}),
	}
	for _, r := range []string{ResultApplied, ResultDuplicate, ResultRejected} {
		m.cases.WithLabelValues(r)
		m.evaluations.WithLabelValues(r)
	}
	online := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "govkiosk_hall_terminals_online",
		Help: "Terminals whose last heartbeat is within the online window.",
	}, func() float64 {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		ts, err := s.store.Terminals(ctx)
		if err != nil {
			s.log.Warn("metrics: list terminals", "err", err)
			return 0
		}
		n := 0
		for _, t := range ts {
			if s.Online(t) {
				n++
			}
		}
		return float64(n)
	})
	m.reg.MustRegister(m.requests, m.duration, m.cases, m.evaluations, m.batch, online,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}
