package main

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log"
	"net/http"
	"time"
)

// request is one case sent once: its trace is the driver's trace id, its
// server span the child of the driver's parent span id.
type request struct {
	c             blindCase
	n             int // 1 for the first time the case is sent
	trace, parent string
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// drive sends every case repeat times, a round of all cases after another,
// and checks each HTTP status; a case that needs what the stack was not run
// with (needs[c.Needs] false) is left out.
func drive(base string, db database, needs map[string]bool, repeat int) ([]request, error) {
	// A new connection per request: servers such as uvicorn close theirs
	// after an unhandled exception, and a request on it would not arrive.
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	var sent []request
	for n := 1; n <= repeat; n++ {
		for _, c := range cases {
			if c.Needs != "" && !needs[c.Needs] {
				continue
			}
			r := request{c: c, n: n, trace: randomHex(16), parent: randomHex(8)}
			if err := send(client, base, db, r); err != nil {
				return nil, err
			}
			sent = append(sent, r)
		}
	}
	return sent, nil
}

func send(client *http.Client, base string, db database, r request) error {
	if r.c.LockRow {
		release, err := db.lockItem()
		if err != nil {
			return err
		}
		defer release()
	}
	req, err := http.NewRequest(r.c.Method, base+r.c.Path, nil)
	if err != nil {
		return err
	}
	req.Header.Set("traceparent", "00-"+r.trace+"-"+r.parent+"-01")
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", r.c.Method, r.c.Path, err)
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 300))
	resp.Body.Close()
	log.Printf("%-22s %s %s -> %d in %s", r.c.Name, r.c.Method, r.c.Path, resp.StatusCode, time.Since(start).Round(time.Millisecond))
	if resp.StatusCode != r.c.Status {
		return fmt.Errorf("%s %s: status %d, want %d: %s", r.c.Method, r.c.Path, resp.StatusCode, r.c.Status, body)
	}
	return nil
}
