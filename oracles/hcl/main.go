// hcl-oracle: hcl v1.0.0's Decode into a map, as Consul reads its files.
//
// Reads JSON lines {"text": T} on stdin; writes one JSON line per input: {"value": v} or {"error": text}.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"

	"github.com/hashicorp/hcl"
)

func decode(text string) (out map[string]interface{}) {
	defer func() {
		if r := recover(); r != nil {
			out = map[string]interface{}{"panic": fmt.Sprint(r)}
		}
	}()
	var v map[string]interface{}
	if err := hcl.Decode(&v, text); err != nil {
		return map[string]interface{}{"error": err.Error()}
	}
	return map[string]interface{}{"value": v}
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<26)
	out := json.NewEncoder(os.Stdout)
	for in.Scan() {
		var req struct {
			Text string `json:"text"`
		}
		if err := json.Unmarshal(in.Bytes(), &req); err != nil {
			_ = out.Encode(map[string]interface{}{"fatal": err.Error()})
			continue
		}
		_ = out.Encode(decode(req.Text))
	}
}
