package registry // import "github.com/errordiagnosis/errordiagnosisprocessor/internal/registry"

// The lifecycle of an error group. A group is resolved in a version V of
// its service when V appeared after every version the group was seen in
// and V served Limits.ResolveAfter requests (server spans) since the group
// was first seen, none of which had it. Seen again in V or a later version,
// it relapses and is open again; seen again only in an older version (still
// running somewhere: a canary rolled back, a region not yet deployed), it
// stays resolved. Versions compare by order of appearance, as regressions do.
//
// Requests are counted per version with one atomic add per version and
// batch (Tally); at
// every ResolveAfter requests of a version, one goroutine looks at the
// groups of its service (a list per service), under the groups' lock. A group born since that
// version's previous look waits for the next one: it is resolved after
// between ResolveAfter and twice ResolveAfter requests.

// GroupState is what a span is in its group's lifecycle.
type GroupState string

const (
	// GroupNew is the group's first sighting, not a regression.
	GroupNew GroupState = "new"
	// GroupRegression is the first sighting of a group in a version that
	// appeared after another version of the service.
	GroupRegression GroupState = "regression"
	// GroupOngoing is a group seen before, open, or resolved in a version
	// newer than this span's.
	GroupOngoing GroupState = "ongoing"
	// GroupRelapse is a resolved group seen again in the version it was
	// resolved in or a later one: the fix did not hold.
	GroupRelapse GroupState = "relapse"
)

// lifecycle is where a group is in its lifecycle; versions are named by
// their seq, 0 for none.
type lifecycle struct {
	// born is the registry's serial when the group was first seen.
	born uint64
	// newest is the newest version the group was seen in.
	newest uint64
	// resolvedSeq is the version it is resolved in, 0 while open;
	// resolvedIn its name, kept after a relapse.
	resolvedSeq uint64
	resolvedIn  string
	// relapsed: seen again in resolvedIn or later, not resolved since.
	relapsed bool
}

// sighted is a span of the group, of version ver (nil when unknown), seen
// again: what it is in the lifecycle.
func (l *lifecycle) sighted(ver *version) GroupState {
	var seq uint64
	if ver != nil {
		seq = ver.seq
	}
	l.newest = max(l.newest, seq)
	if l.resolvedSeq != 0 && seq >= l.resolvedSeq {
		l.resolvedSeq, l.relapsed = 0, true
		return GroupRelapse
	}
	return GroupOngoing
}

// resolvable: ver, whose previous look was at serial mark, resolves the
// group. A group never seen with a version is never resolved: no version
// is known to be newer.
func (l *lifecycle) resolvable(ver *version, mark uint64) bool {
	return l.resolvedSeq == 0 && l.newest != 0 && l.newest < ver.seq && l.born <= mark
}

func (r *Registry) newVersion(svc Service, name string, afterOthers bool, seq uint64) *version {
	v := &version{svc: svc, name: name, afterOthers: afterOthers, seq: seq, mark: seq}
	v.nextCheck.Store(r.limits.ResolveAfter)
	return v
}

// countRequests adds n requests served by ver and, when the count reaches
// the version's next check, resolves what it may.
func (r *Registry) countRequests(ver *version, n int64) {
	c := ver.requests.Add(n)
	if r.limits.ResolveAfter <= 0 {
		return
	}
	next := ver.nextCheck.Load()
	if c < next || !ver.nextCheck.CompareAndSwap(next, c+r.limits.ResolveAfter) {
		return
	}
	r.resolve(ver, c)
}

// resolve resolves in ver the groups of its service it may resolve now that
// it served requests requests, and publishes them.
func (r *Registry) resolve(ver *version, requests int64) {
	now := r.now()
	var events []Event
	r.mu.Lock()
	if requests <= ver.checked {
		r.mu.Unlock()
		return // a later look came first
	}
	mark := ver.mark
	ver.mark, ver.checked = r.serial.Load(), requests
	for e := r.groups[ver.svc]; e != nil; e = e.peerNext {
		if !e.resolvable(ver, mark) {
			continue
		}
		e.resolvedSeq, e.resolvedIn, e.relapsed = ver.seq, ver.name, false
		events = append(events, Event{
			Key: e.key, ResolvedIn: ver.name, Requests: requests, At: now,
			FirstSeen: e.firstSeen, FirstVersion: e.firstVersion, FirstRevision: e.firstRevision,
			Category: e.category, Cause: e.cause, Count: e.count,
		})
	}
	if len(events) > 0 {
		r.changed.Add(1)
	}
	r.mu.Unlock()
	r.feed.Publish(events)
}
