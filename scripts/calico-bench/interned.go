//go:build uniquelabels

package main

import (
	"github.com/projectcalico/calico/lib/std/uniquelabels"
	"github.com/projectcalico/calico/libcalico-go/lib/selector"
)

// interned times evaluation on labels interned with unique.Handle (uniquelabels.Map).
func interned(parsed []Sel, endpoints []map[string]string, nPairs int, result map[string]any) int {
	sets := make([]uniquelabels.Map, len(endpoints))
	for i, e := range endpoints {
		sets[i] = uniquelabels.Make(e)
	}
	wall, cpu, count := best(func() int {
		n := 0
		for _, s := range parsed {
			for _, e := range sets {
				if s.EvaluateLabels(e) {
					n++
				}
			}
		}
		return n
	})
	result["eval_ns_per_pair_interned"] = float64(wall.Nanoseconds()) / float64(nPairs)
	result["cpu_eval_ns_per_pair_interned"] = float64(cpu.Nanoseconds()) / float64(nPairs)
	return count
}

// Sel is how this Calico version returns a parsed selector.
type Sel = *selector.Selector
