// Package registry remembers error groups per service: for each (service,
// environment, fingerprint), when and in which service.version it was first
// seen, when it was last seen and how often, and where it is in its
// lifecycle (lifecycle.go). It also learns each service's versions in the
// order they appear, which decides whether a new group is a regression, and
// counts the requests each version served, which decides when a group is
// resolved. Bounded by entries, by age (least recently seen forgotten
// first), by services and by versions per service. Safe for concurrent use.
package registry // import "github.com/errordiagnosis/errordiagnosisprocessor/internal/registry"

import (
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/contract"
)

// Limits bound the registry.
type Limits struct {
	// MaxEntries is the number of error groups remembered at once; beyond
	// it the least recently seen is forgotten.
	MaxEntries int
	// MaxAge forgets a group not seen for that long.
	MaxAge time.Duration
	// MaxServices is the number of services whose versions are remembered;
	// beyond it the service whose newest version appeared longest ago is
	// forgotten.
	MaxServices int
	// MaxVersionsPerService is the number of versions remembered per
	// service; beyond it the one that appeared first is forgotten.
	MaxVersionsPerService int
	// ResolveAfter is the number of requests a version newer than every
	// version a group was seen in serves without it before the group is
	// resolved in that version; 0 never resolves.
	ResolveAfter int64
}

// Service identifies a service, as the attribute contract does.
type Service = contract.Service

// Key identifies an error group, as the attribute contract does: the
// incident connector identifies the groups of its records by the same.
type Key = contract.GroupID

// Sighting is what the registry knows of a group once a span of it was
// counted.
type Sighting struct {
	// FirstSeen is when the group was first seen, RFC 3339 in UTC to the second.
	FirstSeen string
	// FirstVersion is the service.version it was first seen in ("" when unknown).
	FirstVersion string
	// Regression: the group first appeared in a version of the service that
	// appeared after another version of it had been seen.
	Regression bool
	// Count is how many spans of the group were counted, this one included.
	Count int64
	// FirstRevision is the vcs.ref.head.revision of the first sighting.
	FirstRevision string
	// State is what this span is in the group's lifecycle.
	State GroupState
	// ResolvedIn is the version the group was last resolved in ("" when
	// never): still resolved when Relapse is false, reopened by a relapse
	// when it is true.
	ResolvedIn string
	// Relapse: the group was seen again in ResolvedIn or a later version
	// after it was resolved there, and not resolved since.
	Relapse bool
}

// Occurrence is what a counted span says of its group besides its key:
// its resource's version and revision, and the diagnosis.
type Occurrence struct {
	// Version is the service.version of the resource ("" when absent).
	Version string
	// Revision is its vcs.ref.head.revision ("" when absent).
	Revision string
	// Category and Cause are the diagnosis, remembered for the records of
	// a resolved group.
	Category, Cause string
}

// FirstSeenFormat is the layout of Sighting.FirstSeen.
const FirstSeenFormat = time.RFC3339

type entry struct {
	key             Key
	firstSeen       time.Time
	firstText       string
	firstVersion    string
	firstRevision   string
	category, cause string
	lastSeen        time.Time
	count           int64
	regression      bool
	lifecycle
	// prev is more recently seen, next less recently; the list is circular
	// around Registry.lru.
	prev, next *entry
	// peerPrev and peerNext link the groups of one service, from
	// Registry.groups: a version's look reads its service's only.
	peerPrev, peerNext *entry
}

// version is one version name of the service svc; afterOthers: another
// version of the service had been seen when it appeared.
type version struct {
	svc         Service
	name        string
	afterOthers bool
	// seq is the registry's serial when the version appeared: versions of a
	// service compare by it, and so do their groups (lifecycle.go).
	seq uint64
	// requests counts the server spans the version served; at nextCheck the
	// groups it may resolve are looked at (lifecycle.go).
	requests, nextCheck atomic.Int64
	// mark and checked, under Registry.mu: the serial and requests at the
	// last look; groups born at or before mark had checked requests of this
	// version behind them then.
	mark    uint64
	checked int64
}

type service struct {
	versions []*version // in order of appearance
	// learned orders services by when their newest version appeared.
	learned uint64
}

// Registry is the fingerprint registry.
type Registry struct {
	limits Limits
	now    func() time.Time

	// vmu guards services and learned; the hot path takes it for reading.
	vmu      sync.RWMutex
	services map[Service]*service
	learned  uint64
	// versionsChanged counts the changes of the services' versions, made
	// under vmu: a Recorder's last version holds while it is unchanged.
	versionsChanged atomic.Uint64

	// mu guards entries, the lru list and texts.
	mu      sync.Mutex
	entries map[Key]*entry
	lru     entry // sentinel: lru.next is the most recently seen
	// texts are the categories and causes of the groups, kept once: a
	// few dozen from the rule tables and the user rules.
	texts map[string]string
	// groups are the first of each service's groups.
	groups map[Service]*entry

	// changed counts the changes, for Changed.
	changed atomic.Uint64

	evictedEntries, evictedAge atomic.Int64
	size                       atomic.Int64

	// serial orders the versions' appearances and the groups' births.
	serial atomic.Uint64
	// feed receives the resolutions; nil drops them.
	feed *Feed
}

// New returns an empty registry reading the time from now. The groups it
// resolves go nowhere until PublishTo names a feed.
func New(limits Limits, now func() time.Time) *Registry {
	r := &Registry{
		limits:   limits,
		now:      now,
		services: map[Service]*service{},
		entries:  map[Key]*entry{},
		texts:    map[string]string{},
		groups:   map[Service]*entry{},
	}
	r.lru.next, r.lru.prev = &r.lru, &r.lru
	return r
}

// PublishTo makes r publish the groups it resolves on feed, and returns r.
// Called before r is used.
func (r *Registry) PublishTo(feed *Feed) *Registry {
	r.feed = feed
	feed.publishers.Add(1)
	return r
}

// ObserveVersion learns that svc runs version v.
func (r *Registry) ObserveVersion(svc Service, v string) { r.Observe(svc, v, 0) }

// Observe learns that svc runs version v, which served requests requests;
// a count reaching the version's next check looks for the groups it
// resolves. A batch's resources go through a Tally instead.
func (r *Registry) Observe(svc Service, v string, requests int) {
	t := r.Tally()
	t.Observe(svc, v, requests)
	t.Flush()
}

// lookup returns v as remembered for svc, learning it when unknown. When
// both are known it reads under a shared lock and allocates nothing.
func (r *Registry) lookup(svc Service, v string) *version {
	r.vmu.RLock()
	var ver *version
	if s := r.services[svc]; s != nil {
		if i := s.index(v); i >= 0 {
			ver = s.versions[i]
		}
	}
	r.vmu.RUnlock()
	if ver == nil {
		ver, _ = r.learn(svc, v)
	}
	return ver
}

// versionOf returns v as remembered for svc, learning it when unknown, and
// the count of versionsChanged it holds for.
func (r *Registry) versionOf(svc Service, v string) (*version, uint64) {
	r.vmu.RLock()
	if s := r.services[svc]; s != nil {
		if i := s.index(v); i >= 0 {
			ver, changed := s.versions[i], r.versionsChanged.Load()
			r.vmu.RUnlock()
			return ver, changed
		}
	}
	r.vmu.RUnlock()
	return r.learn(svc, v)
}

// index returns the place of v in the versions, -1 when unknown. The newest
// version is looked at first: the one nearly every resource carries.
func (s *service) index(v string) int {
	for i := len(s.versions) - 1; i >= 0; i-- {
		if s.versions[i].name == v {
			return i
		}
	}
	return -1
}

// learn adds v to the versions of svc and returns it, with the count of
// versionsChanged it holds for.
func (r *Registry) learn(svc Service, v string) (*version, uint64) {
	r.vmu.Lock()
	defer r.vmu.Unlock()
	s := r.services[svc]
	if s != nil {
		if i := s.index(v); i >= 0 {
			return s.versions[i], r.versionsChanged.Load()
		}
	} else {
		if len(r.services) >= max(r.limits.MaxServices, 1) {
			r.forgetOldestServiceLocked()
		}
		// Keys outlive the batch they were read from: copied.
		s = &service{}
		r.services[Service{Name: strings.Clone(svc.Name), Environment: strings.Clone(svc.Environment)}] = s
	}
	nv := r.newVersion(Service{Name: strings.Clone(svc.Name), Environment: strings.Clone(svc.Environment)}, strings.Clone(v), len(s.versions) > 0, r.serial.Add(1))
	if len(s.versions) >= max(r.limits.MaxVersionsPerService, 1) {
		s.versions = append(s.versions[:0], s.versions[1:]...)
	}
	s.versions = append(s.versions, nv)
	r.learned++
	s.learned = r.learned
	r.changed.Add(1)
	return nv, r.versionsChanged.Add(1)
}

func (r *Registry) forgetOldestServiceLocked() {
	var oldest Service
	var at uint64
	first := true
	for k, s := range r.services {
		if first || s.learned < at {
			oldest, at, first = k, s.learned, false
		}
	}
	delete(r.services, oldest)
}

// Record counts one span of the group key, whose resource carries version
// (service.version, "" when absent), and returns what is known of the group.
func (r *Registry) Record(key Key, v string) Sighting {
	rec := r.Recorder()
	return rec.Record(key, Occurrence{Version: v})
}

// Recorder counts spans in the registry for one goroutine, one after
// another (the targets of a batch). It keeps the version and the group it
// found last, for the next span of the same resource or group, and finds
// them again only when they may have changed since: it counts what Record
// would, without the look-ups.
type Recorder struct {
	r *Registry
	// svc and v were found to be ver while versionsChanged was changed.
	svc     Service
	v       string
	ver     *version
	changed uint64
	// key was found to be e; e is forgotten once unlinked.
	key Key
	e   *entry
}

// Recorder returns a recorder of r.
func (r *Registry) Recorder() Recorder { return Recorder{r: r} }

// Record counts one span of the group key, of occurrence o, and returns
// what is known of the group.
func (rc *Recorder) Record(key Key, o Occurrence) Sighting {
	r := rc.r
	now := r.now()
	var ver *version
	if v := o.Version; v != "" && key.Name != "" {
		// Usually learnt from the resource already.
		if rc.v == "" || v != rc.v || key.Service != rc.svc || r.versionsChanged.Load() != rc.changed {
			rc.ver, rc.changed = r.versionOf(key.Service, v)
			rc.svc, rc.v = key.Service, v
		}
		ver = rc.ver
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.changed.Add(1)
	r.expireLocked(now)
	e := rc.e
	if e == nil || e.prev == nil || key != rc.key {
		e = r.entries[key]
	}
	state := GroupNew
	if e == nil {
		if len(r.entries) >= max(r.limits.MaxEntries, 1) {
			r.removeLocked(r.lru.prev)
			r.evictedEntries.Add(1)
		}
		e = r.newEntry(key, o, ver, now)
		r.insertLocked(e)
		if e.regression {
			state = GroupRegression
		}
	} else {
		state = e.sighted(ver)
		if r.lru.next != e {
			r.unlinkLocked(e)
			r.linkFrontLocked(e)
		}
	}
	rc.key, rc.e = key, e
	e.lastSeen = now
	e.count++
	return Sighting{
		FirstSeen: e.firstText, FirstVersion: e.firstVersion, Regression: e.regression, Count: e.count,
		FirstRevision: e.firstRevision, State: state, ResolvedIn: e.resolvedIn, Relapse: e.relapsed,
	}
}

// newEntry is the group key first seen now, in ver (nil when unknown).
// Keys and texts outlive the batch they were read from: copied.
func (r *Registry) newEntry(key Key, o Occurrence, ver *version, now time.Time) *entry {
	e := &entry{
		key:           Key{Service: Service{Name: strings.Clone(key.Name), Environment: strings.Clone(key.Environment)}, Fingerprint: strings.Clone(key.Fingerprint)},
		firstSeen:     now,
		firstText:     now.UTC().Format(FirstSeenFormat),
		firstRevision: strings.Clone(o.Revision),
		category:      r.intern(o.Category),
		cause:         r.intern(o.Cause),
	}
	e.born = r.serial.Add(1)
	if ver != nil {
		e.firstVersion, e.regression, e.newest = ver.name, ver.afterOthers, ver.seq
	}
	return e
}

// maxTexts bounds Registry.texts; beyond it, texts are copied per group.
const maxTexts = 1024

// intern returns s, kept once when the texts have room, copied otherwise.
func (r *Registry) intern(s string) string {
	if k, ok := r.texts[s]; ok {
		return k
	}
	k := strings.Clone(s)
	if len(r.texts) < maxTexts {
		r.texts[k] = k
	}
	return k
}

// Expire forgets the groups not seen for MaxAge.
func (r *Registry) Expire() {
	now := r.now()
	r.mu.Lock()
	r.expireLocked(now)
	r.mu.Unlock()
}

func (r *Registry) expireLocked(now time.Time) {
	if r.limits.MaxAge <= 0 {
		return
	}
	for e := r.lru.prev; e != &r.lru && now.Sub(e.lastSeen) > r.limits.MaxAge; e = r.lru.prev {
		r.removeLocked(e)
		r.evictedAge.Add(1)
		r.changed.Add(1)
	}
}

func (r *Registry) insertLocked(e *entry) {
	r.entries[e.key] = e
	r.linkFrontLocked(e)
	if first := r.groups[e.key.Service]; first != nil {
		e.peerNext, first.peerPrev = first, e
	}
	r.groups[e.key.Service] = e
	r.size.Store(int64(len(r.entries)))
}

func (r *Registry) removeLocked(e *entry) {
	r.unlinkLocked(e)
	delete(r.entries, e.key)
	switch {
	case e.peerPrev != nil:
		e.peerPrev.peerNext = e.peerNext
	case e.peerNext != nil:
		r.groups[e.key.Service] = e.peerNext
	default:
		delete(r.groups, e.key.Service) // its last group
	}
	if e.peerNext != nil {
		e.peerNext.peerPrev = e.peerPrev
	}
	e.peerPrev, e.peerNext = nil, nil
	r.size.Store(int64(len(r.entries)))
}

func (r *Registry) linkFrontLocked(e *entry) {
	e.prev, e.next = &r.lru, r.lru.next
	r.lru.next.prev = e
	r.lru.next = e
}

func (r *Registry) unlinkLocked(e *entry) {
	e.prev.next, e.next.prev = e.next, e.prev
	e.prev, e.next = nil, nil
}

// Len is the number of groups remembered.
func (r *Registry) Len() int { return int(r.size.Load()) }

// Evictions are the groups forgotten so far, for MaxEntries and for MaxAge.
func (r *Registry) Evictions() (byEntries, byAge int64) {
	return r.evictedEntries.Load(), r.evictedAge.Load()
}

// Changed is a number that changes whenever a group is counted or
// forgotten: the registry needs storing again when it differs from the one
// seen when it was last stored.
func (r *Registry) Changed() uint64 { return r.changed.Load() }
