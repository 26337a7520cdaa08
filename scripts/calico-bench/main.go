// Times Calico's own selector package on the shared workload, the way bench_workload times
// calico-selector, and prints one JSON line with the same figure names:
//   - parse_ns_per_selector: selector.Parse, String() and UniqueID() for each selector, the
//     parsed selectors of a pass kept until it ends;
//   - eval_ns_per_pair_map: Evaluate on every (selector, endpoint) pair, labels in a map;
//   - eval_ns_per_pair_interned (Calico versions with lib/std/uniquelabels): EvaluateLabels
//     on labels made with uniquelabels.Make.
//
// Each figure is the best of three batches of runs lasting about 0.3 s, wall-clock, with
// the garbage collected before each batch (so that a batch starts on a clean heap, which
// favours Calico); the cpu_* figures are the process's CPU time, which adds the collector's
// work on other threads. scripts/bench-compare.sh builds this against a Calico checkout for
// each `calico:REV` it is given; none of Calico's code is kept in this repository.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"syscall"
	"time"

	"github.com/projectcalico/calico/libcalico-go/lib/selector"
)

const expectedPairs = 147407

type workload struct {
	Selectors []string            `json:"selectors"`
	Endpoints []map[string]string `json:"endpoints"`
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// best returns the wall and CPU time per run of f: the best of three batches of runs
// lasting about 0.3 s each.
func best(f func() int) (time.Duration, time.Duration, int) {
	start := time.Now()
	out := f()
	runs := int(0.3 / max(time.Since(start).Seconds(), 1e-6))
	runs = min(max(runs, 1), 10000)
	bestWall, bestCPU := time.Duration(1<<62), time.Duration(1<<62)
	for range 3 {
		runtime.GC()
		c, w := cpuTime(), time.Now()
		for range runs {
			out = f()
		}
		bestWall = min(bestWall, time.Since(w)/time.Duration(runs))
		bestCPU = min(bestCPU, (cpuTime()-c)/time.Duration(runs))
	}
	return bestWall, bestCPU, out
}

func main() {
	runtime.LockOSThread()
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: calico-bench <workload.json>")
		os.Exit(2)
	}
	data, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	var w workload
	if err := json.Unmarshal(data, &w); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	nSel, nPairs := len(w.Selectors), len(w.Selectors)*len(w.Endpoints)

	// As bench_workload does: the parsed selectors of one pass are kept until it ends.
	parseAll := func() []Sel {
		out := make([]Sel, 0, nSel)
		for _, s := range w.Selectors {
			sel, err := selector.Parse(s)
			if err != nil {
				fmt.Fprintln(os.Stderr, "does not parse:", s, err)
				os.Exit(1)
			}
			_, _ = sel.String(), sel.UniqueID()
			out = append(out, sel)
		}
		return out
	}
	parseWall, parseCPU, _ := best(func() int { return len(parseAll()) })
	parsed := parseAll()

	mapWall, mapCPU, mapCount := best(func() int {
		n := 0
		for _, s := range parsed {
			for _, e := range w.Endpoints {
				if s.Evaluate(e) {
					n++
				}
			}
		}
		return n
	})
	result := map[string]any{
		"parse_ns_per_selector":     float64(parseWall.Nanoseconds()) / float64(nSel),
		"cpu_parse_ns_per_selector": float64(parseCPU.Nanoseconds()) / float64(nSel),
		"eval_ns_per_pair_map":      float64(mapWall.Nanoseconds()) / float64(nPairs),
		"cpu_eval_ns_per_pair_map":  float64(mapCPU.Nanoseconds()) / float64(nPairs),
		"matched_pairs":             mapCount,
	}
	internedCount := interned(parsed, w.Endpoints, nPairs, result)
	line, _ := json.Marshal(result)
	fmt.Println(string(line))
	if mapCount != expectedPairs || (internedCount >= 0 && internedCount != expectedPairs) {
		fmt.Fprintln(os.Stderr, "wrong number of matching pairs:", mapCount, internedCount)
		os.Exit(1)
	}
}
