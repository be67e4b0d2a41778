//! The ordered map in which the workers read and write in turn: the streaming batch's engine
//! (docs/batch.md#memory-and-threads).
//!
//! [`ordered_map`](super::ordered_map) reads and hands out on the calling thread, so every
//! item is read on one core and mapped on another, and every result made on one core and
//! written out on another; and with as many workers as cores, the calling thread takes a core
//! from a worker each time it wakes. Here there is no such thread: each worker (the calling
//! thread is worker 0) reads the next item itself, maps it, and writes out every result that
//! is next in order, all under one lock but the mapping. An item is then read and mapped on
//! one thread, mostly written by it too, and there is one thread (and allocator arena) fewer.
//! On the 1 GB benchmark with two jobs this took about 4% off the wall-clock and CPU time, 1
//! MB off the peak, and most of the involuntary context switches (docs/performance.md).
//!
//! The bounds are [`Bounds`]' and mean what they mean for `ordered_map`: what is in flight
//! (read and not yet written) is bounded by a number of items and a total weight, each item
//! counting for at most half of it; an item is read only while there is room, so at most one
//! item more than the bound is held, as `ordered_map` holds the item it has read and not yet
//! admitted. A heavy item (over [`Bounds::heavy`]) is mapped only by worker 0, one at a time:
//! the worker that reads it queues it for worker 0 and goes on. An item over
//! [`Bounds::alone`] stops all reading, and worker 0 maps it once everything before it is
//! written, after [`Bounds::before_alone`].
//!
//! Why it cannot deadlock: every item read is either being mapped by the worker that read it
//! or queued for worker 0, which takes the oldest queued item whenever it is free (an item to
//! map alone once nothing is before it, which cannot wait for ever: reading has stopped, and
//! everything before it is being mapped or queued ahead of it). So the oldest item in flight
//! is always being mapped or will be, and once it is done, the worker that did it writes it
//! out and wakes the others.

use std::collections::VecDeque;
use std::ops::ControlFlow;
use std::sync::{Condvar, Mutex, MutexGuard};

use super::{Bounds, cost};

/// Where the items come from and where the results go: called under the engine's lock, by
/// whichever worker's turn it is, in input order for both.
pub(crate) trait Ends<U, T> {
    /// The next item, or `None` at the end of the input.
    fn read(&mut self) -> Option<U>;
    /// Writes out the next result in input order; `Break` stops the map.
    fn write(&mut self, result: T) -> ControlFlow<()>;
}

/// Maps every item `ends` reads with `work` and gives each result back to `ends`, in input
/// order, until the input ends or a write breaks; with `bounds.jobs` threads, the calling
/// thread one of them.
pub(crate) fn map_in_turn<U, T, E>(
    ends: E,
    weigh: impl Fn(&U) -> usize + Sync,
    work: impl Fn(U) -> T + Sync,
    bounds: Bounds,
) -> E
where
    U: Send,
    T: Send,
    E: Ends<U, T> + Send,
{
    let shared = Shared {
        state: Mutex::new(State {
            ends,
            slots: VecDeque::new(),
            next_out: 0,
            weight: 0,
            heavy: VecDeque::new(),
            alone: false,
            ended: false,
            stopped: false,
        }),
        changed: Condvar::new(),
    };
    let jobs = bounds.jobs.max(1);
    std::thread::scope(|scope| {
        for index in 1..jobs {
            let (shared, weigh, work) = (&shared, &weigh, &work);
            scope.spawn(move || worker(index, shared, weigh, work, bounds));
        }
        worker(0, &shared, &weigh, &work, bounds);
    });
    shared
        .state
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .ends
}

/// The state the workers share, behind one lock.
struct State<U, T, E> {
    ends: E,
    /// One slot per item read and not yet written, from `next_out` on: its cost (see
    /// [`cost`]), and its result once done.
    slots: VecDeque<(usize, Option<T>)>,
    /// The sequence number of the front slot.
    next_out: u64,
    /// Total cost of the slots.
    weight: usize,
    /// Heavy items read and waiting for worker 0, oldest first, with their sequence numbers
    /// and whether each is to be mapped alone.
    heavy: VecDeque<(u64, bool, U)>,
    /// An item to map alone has been read: nothing more is read until it is written.
    alone: bool,
    /// The input has ended.
    ended: bool,
    /// A write broke, or a worker panicked: every worker stops.
    stopped: bool,
}

struct Shared<U, T, E> {
    state: Mutex<State<U, T, E>>,
    /// Something a waiting worker may be waiting for has happened: a result written, a heavy
    /// item queued, the input ended, or the map stopped.
    changed: Condvar,
}

impl<U, T, E> Shared<U, T, E> {
    fn lock(&self) -> MutexGuard<'_, State<U, T, E>> {
        // A worker that panicked poisons the lock; it has stopped the map (`Unwind`), and its
        // panic is re-raised when the scope joins.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn wait<'a>(&self, state: MutexGuard<'a, State<U, T, E>>) -> MutexGuard<'a, State<U, T, E>> {
        self.changed
            .wait(state)
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl<U, T, E> State<U, T, E> {
    fn can_read(&self, bounds: Bounds) -> bool {
        !self.ended && !self.alone && self.slots.len() < bounds.items.max(1) && self.weight < bounds.weight
    }
}

/// What worker `index` does until the map ends or stops: its next item, mapped, its result
/// and every one done after it written out in order.
fn worker<U, T, E: Ends<U, T>>(
    index: usize,
    shared: &Shared<U, T, E>,
    weigh: &(impl Fn(&U) -> usize + Sync),
    work: &(impl Fn(U) -> T + Sync),
    bounds: Bounds,
) {
    let _unwind = Unwind(shared);
    loop {
        let (seq, item) = {
            let mut state = shared.lock();
            loop {
                if state.stopped {
                    return;
                }
                if let Some(next) = take(index, &mut state, bounds) {
                    break next;
                }
                if state.can_read(bounds) {
                    let Some(item) = state.ends.read() else {
                        state.ended = true;
                        shared.changed.notify_all();
                        continue;
                    };
                    let weight = weigh(&item);
                    let seq = state.next_out + state.slots.len() as u64;
                    state.slots.push_back((cost(weight, bounds), None));
                    state.weight += cost(weight, bounds);
                    let alone = weight > bounds.alone;
                    state.alone |= alone;
                    // An item to map alone is heavy too, whatever `heavy` says.
                    if (weight > bounds.heavy || alone) && bounds.jobs > 1 {
                        state.heavy.push_back((seq, alone, item));
                        shared.changed.notify_all();
                        continue;
                    }
                    break (seq, item);
                }
                if state.ended && state.slots.is_empty() {
                    return;
                }
                state = shared.wait(state);
            }
        };
        let result = work(item);
        let mut state = shared.lock();
        if state.stopped {
            return;
        }
        let at = (seq - state.next_out) as usize;
        if let Some(slot) = state.slots.get_mut(at) {
            slot.1 = Some(result);
        }
        let mut wrote = false;
        while let Some((_, Some(_))) = state.slots.front() {
            let Some((weight, Some(result))) = state.slots.pop_front() else {
                break;
            };
            state.weight -= weight;
            state.next_out += 1;
            wrote = true;
            if state.ends.write(result).is_break() {
                state.stopped = true;
                break;
            }
        }
        if state.slots.is_empty() {
            state.alone = false;
        }
        drop(state);
        if wrote {
            shared.changed.notify_all();
        }
    }
}

/// For worker 0, the oldest heavy item queued, once it may be mapped: an item to map alone
/// only when it is the only one in flight, after `before_alone`.
fn take<U, T, E>(index: usize, state: &mut State<U, T, E>, bounds: Bounds) -> Option<(u64, U)> {
    if index != 0 {
        return None;
    }
    let &(_, alone, _) = state.heavy.front()?;
    if alone {
        if state.slots.len() > 1 {
            return None;
        }
        if let Some(release) = bounds.before_alone {
            release();
        }
    }
    state.heavy.pop_front().map(|(seq, _, item)| (seq, item))
}

/// Stops the map if a worker panics, so that no other worker waits for its item for ever.
struct Unwind<'a, U, T, E>(&'a Shared<U, T, E>);

impl<U, T, E> Drop for Unwind<'_, U, T, E> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let mut state = self.0.lock();
            state.stopped = true;
            state.heavy.clear();
            drop(state);
            self.0.changed.notify_all();
        }
    }
}
