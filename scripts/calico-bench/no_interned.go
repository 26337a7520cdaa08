//go:build !uniquelabels

package main

import "github.com/projectcalico/calico/libcalico-go/lib/selector"

// interned: this Calico version has no interned labels.
func interned([]Sel, []map[string]string, int, map[string]any) int { return -1 }

// Sel is how this Calico version returns a parsed selector.
type Sel = selector.Selector
