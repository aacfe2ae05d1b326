package hall

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"govkiosk/kiosk"
)

// BenchmarkIngest is the hall's ingest under the load: 200
// terminals on loopback, each sending batches of 20 cases whose sealed part
// is about 2 KB, every batch committed durably (synchronous=FULL) before it
// is answered. One op is one batch. Target: ≥ 5,000 cases/s on the 2-core
// dev machine.
//
//   - saturated: every terminal sends its next batch as soon as the last is
//     answered. cases/s is the most the hall takes; the latency is mostly
//     queueing (200 batches always in flight: Little's law).
//   - paced-5000/s: each terminal sends a batch every 800 ms, 5,000 cases/s
//     in all: the latency a terminal sees at the target load.
//
// Both report cases/s, p50 and p99 batch latency as terminals see it, the
// process's CPU per case (processCPU) and the writes (batches) per group
// commit. BenchmarkIngestPostgres is the same load on the PostgreSQL store,
// whose committers apply the batches that queued meanwhile in one statement
// (postgres_group.go).
func BenchmarkIngest(b *testing.B) {
	open := func(b *testing.B) *testHall { return openTestHall(b, filepath.Join(b.TempDir(), "hall.db")) }
	b.Run("saturated", func(b *testing.B) { benchIngest(b, 0, open(b)) })
	b.Run("paced-5000per_s", func(b *testing.B) { benchIngest(b, 800*time.Millisecond, open(b)) })
}

// BenchmarkIngestPostgres needs GOVKIOSK_TEST_PG (make bench starts a
// throwaway cluster with scripts/pg.sh).
func BenchmarkIngestPostgres(b *testing.B) {
	open := func(b *testing.B) *testHall { return openPGTestHall(b, pgTestURL(b), b.TempDir()) }
	b.Run("saturated", func(b *testing.B) { benchIngest(b, 0, open(b)) })
	b.Run("paced-5000per_s", func(b *testing.B) { benchIngest(b, 800*time.Millisecond, open(b)) })
}

func benchIngest(b *testing.B, interval time.Duration, h *testHall) {
	const terminals, batchSize, sealedBytes = 200, 20, 2000
	terms := make([]*terminal, terminals)
	for i := range terms {
		terms[i] = h.enroll(fmt.Sprint("T", i))
	}
	transport := &http.Transport{MaxIdleConnsPerHost: terminals, MaxIdleConns: terminals}
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport, Timeout: time.Minute}
	// A pool of sealed payloads: sealing is the terminal's cost, not the
	// hall's, and would otherwise compete with the hall for the two cores.
	pool := make([]string, 64)
	for i := range pool {
		pool[i] = terms[0].seal(payload(sealedBytes - 48)) // box overhead is 48 bytes
	}
	// groups and writes count commits and the writes (batches) they
	// carried: the group commit of either store.
	groups, writes := func() int64 { return 0 }, func() int64 { return 0 }
	switch st := h.store.(type) {
	case *SQLiteStore:
		groups, writes = st.stats.groups.Load, st.stats.writes.Load
	case *PostgresStore:
		groups, writes = st.stats.groups.Load, st.stats.batches.Load
	}
	groups0, writes0 := groups(), writes()

	var next atomic.Int64
	latencies := make([][]time.Duration, terminals)
	var failed atomic.Value
	var wg sync.WaitGroup
	b.SetBytes(int64(batchSize * (len(pool[0]) + 200)))
	b.ResetTimer()
	start, cpu0 := time.Now(), processCPU(b)
	for w, tm := range terms {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var body []byte
			due := start.Add(interval * time.Duration(w) / terminals) // spread the terminals over the interval
			for next.Add(1) <= int64(b.N) {
				if interval > 0 {
					time.Sleep(time.Until(due))
					due = due.Add(interval)
				}
				// The body is assembled by hand: json.Marshal would scan
				// every byte of the payloads for escapes, the simulated
				// terminals' CPU would come out of the hall's two cores, and
				// the figure would be the machine's rather than the hall's.
				body = append(body[:0], `{"cases":[`...)
				for i := range batchSize {
					seq := tm.seq.Add(1)
					if i > 0 {
						body = append(body, ',')
					}
					body = fmt.Appendf(body, `{"id":%q,"terminal_seq":%d,"number":"%s-20261125-%06d-X",`+
						`"item_code":"339900-GA-GG-0001","catalog_version":1,"submitted_at":"2026-11-25T09:30:00+08:00","sealed":"%s"}`,
						kiosk.NewCaseIDNow(time.Now()), seq, tm.id, seq, pool[(int(seq)+w)%len(pool)])
				}
				body = append(body, "]}"...)
				req, _ := http.NewRequest(http.MethodPost, tm.base+"/v1/cases", bytes.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+tm.token)
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					failed.Store(err)
					return
				}
				var rr resultsResponse
				err = json.NewDecoder(resp.Body).Decode(&rr)
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				latencies[w] = append(latencies[w], time.Since(t0))
				if err != nil || resp.StatusCode != http.StatusOK || len(rr.Results) != batchSize || rr.Results[0].Result != ResultApplied {
					failed.Store(fmt.Errorf("batch: status %d, err %v, results %+v", resp.StatusCode, err, rr.Results[:min(1, len(rr.Results))]))
					return
				}
			}
		}()
	}
	wg.Wait()
	elapsed, cpu := time.Since(start), processCPU(b)-cpu0
	b.StopTimer()
	if err, ok := failed.Load().(error); ok {
		b.Fatal(err)
	}
	all := slices.Concat(latencies...)
	slices.Sort(all)
	b.ReportMetric(float64(b.N*batchSize)/elapsed.Seconds(), "cases/s")
	b.ReportMetric(float64(all[len(all)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(all[len(all)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N*batchSize), "cpu-µs/case")
	if g := groups() - groups0; g > 0 {
		b.ReportMetric(float64(writes()-writes0)/float64(g), "writes/commit")
	}
}

// processCPU is the CPU time this process used so far (user and system,
// all threads): the hall and the simulated terminals, not a PostgreSQL
// server. cpu-µs/case is steadier than cases/s on the shared machine, and
// with the terminals' share the same in every run, it compares halls.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
