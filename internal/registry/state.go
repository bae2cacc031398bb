package registry // import "github.com/errordiagnosis/errordiagnosisprocessor/internal/registry"

import (
	"cmp"
	"slices"
	"time"
)

// State is what is stored of a registry, to restore it after a restart.
type State struct {
	// Scheme is the fingerprint scheme of the groups' fingerprints: groups
	// of another scheme would never match again.
	Scheme string
	// Serial is the registry's serial, which orders the versions'
	// appearances and the groups' births.
	Serial uint64
	// Services in the order their newest version appeared, oldest first.
	Services []ServiceVersions
	// Groups, most recently seen first.
	Groups []Group
}

// ServiceVersions are the versions of a service, in order of appearance.
type ServiceVersions struct {
	Service
	Versions []Version
}

// Version is one version of a service.
type Version struct {
	Name string
	// AfterOthers: another version of the service had been seen when it appeared.
	AfterOthers bool
	// Seq is the serial when it appeared; Requests the requests it served;
	// Mark and Checked the serial and requests at its last look for the
	// groups it resolves (lifecycle.go).
	Seq, Mark         uint64
	Requests, Checked int64
}

// Group is what is remembered of an error group.
type Group struct {
	Key
	FirstSeen, LastSeen time.Time
	FirstVersion        string
	FirstRevision       string
	Category, Cause     string
	Count               int64
	Regression          bool
	Lifecycle
}

// Lifecycle is where a group is in its lifecycle (lifecycle.go): versions
// are named by their Seq.
type Lifecycle struct {
	Born, Newest, ResolvedSeq uint64
	ResolvedIn                string
	Relapsed                  bool
}

func (l lifecycle) stored() Lifecycle {
	return Lifecycle{Born: l.born, Newest: l.newest, ResolvedSeq: l.resolvedSeq, ResolvedIn: l.resolvedIn, Relapsed: l.relapsed}
}

func (l Lifecycle) restored() lifecycle {
	return lifecycle{born: l.Born, newest: l.Newest, resolvedSeq: l.ResolvedSeq, resolvedIn: l.ResolvedIn, relapsed: l.Relapsed}
}

// Snapshot returns the state of the registry, to store it.
func (r *Registry) Snapshot(scheme string) State {
	st := State{Scheme: scheme}
	r.vmu.RLock()
	r.mu.Lock() // the versions' marks
	st.Serial = r.serial.Load()
	type ordered struct {
		sv      ServiceVersions
		learned uint64
	}
	svcs := make([]ordered, 0, len(r.services))
	for k, s := range r.services {
		vs := make([]Version, len(s.versions))
		for i, v := range s.versions {
			vs[i] = Version{Name: v.name, AfterOthers: v.afterOthers, Seq: v.seq, Mark: v.mark,
				Requests: v.requests.Load(), Checked: v.checked}
		}
		svcs = append(svcs, ordered{ServiceVersions{k, vs}, s.learned})
	}
	r.mu.Unlock()
	r.vmu.RUnlock()
	slices.SortFunc(svcs, func(a, b ordered) int { return cmp.Compare(a.learned, b.learned) })
	st.Services = make([]ServiceVersions, len(svcs))
	for i := range svcs {
		st.Services[i] = svcs[i].sv
	}

	r.mu.Lock()
	st.Groups = make([]Group, 0, len(r.entries))
	for e := r.lru.next; e != &r.lru; e = e.next {
		st.Groups = append(st.Groups, Group{
			Key: e.key, FirstSeen: e.firstSeen, LastSeen: e.lastSeen,
			FirstVersion: e.firstVersion, FirstRevision: e.firstRevision, Category: e.category, Cause: e.cause,
			Count: e.count, Regression: e.regression, Lifecycle: e.stored(),
		})
	}
	r.mu.Unlock()
	return st
}

// Restore adds a stored state to the registry, within its limits: what it
// already knows is kept, groups older than MaxAge are left out, and the
// least recently seen go first when there are too many.
func (r *Registry) Restore(st State) {
	r.vmu.Lock()
	r.mu.Lock()
	if r.serial.Load() < st.Serial {
		r.serial.Store(st.Serial)
	}
	r.mu.Unlock()
	for _, sv := range st.Services {
		if sv.Name == "" || len(sv.Versions) == 0 || r.services[sv.Service] != nil {
			continue
		}
		if len(r.services) >= max(r.limits.MaxServices, 1) {
			r.forgetOldestServiceLocked()
		}
		vs := sv.Versions
		if n := max(r.limits.MaxVersionsPerService, 1); len(vs) > n {
			vs = vs[len(vs)-n:]
		}
		s := &service{versions: make([]*version, len(vs))}
		for i, v := range vs {
			nv := r.newVersion(sv.Service, v.Name, v.AfterOthers, v.Seq)
			nv.mark, nv.checked = v.Mark, v.Checked
			nv.requests.Store(v.Requests)
			if r.limits.ResolveAfter > 0 {
				// The next look is ResolveAfter requests after the last.
				nv.nextCheck.Store(v.Checked + r.limits.ResolveAfter)
			}
			s.versions[i] = nv
		}
		r.learned++
		s.learned = r.learned
		r.services[sv.Service] = s
	}
	r.versionsChanged.Add(1)
	r.vmu.Unlock()

	now := r.now()
	r.mu.Lock()
	defer r.mu.Unlock()
	// From the least recently seen, so that the list ends in the stored order.
	for i := len(st.Groups) - 1; i >= 0; i-- {
		g := st.Groups[i]
		if r.entries[g.Key] != nil || g.Count <= 0 || (r.limits.MaxAge > 0 && now.Sub(g.LastSeen) > r.limits.MaxAge) {
			continue
		}
		if len(r.entries) >= max(r.limits.MaxEntries, 1) {
			r.removeLocked(r.lru.prev)
		}
		r.insertLocked(&entry{
			key: g.Key, firstSeen: g.FirstSeen, firstText: g.FirstSeen.UTC().Format(FirstSeenFormat),
			firstVersion: g.FirstVersion, firstRevision: g.FirstRevision, category: r.intern(g.Category), cause: r.intern(g.Cause),
			lastSeen: g.LastSeen, count: g.Count, regression: g.Regression, lifecycle: g.restored(),
		})
	}
	r.changed.Add(1)
}
