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
//! Beside an item mapped alone, the other workers may still go on, if [`Ends::hold`] can hold
//! results back (the batch spools them to a temporary file): they read only items that
//! [`Ends::read_within`] knows to be light (under the bound [`Bounds::beside`] sets for that
//! item), no more than that weight in flight, and every result done is given to
//! [`Ends::defer`], since the alone item's result must be written first. Once it is, [`Ends::release`] writes out what was held back, and
//! reading goes on as before. An item that may be heavier is left unread (at most
//! `Bounds::beside` of it held by `Ends`) until then. Without this, the other workers waited
//! for the whole of every alone item: on the 1 GB benchmark with two jobs, about 0.9 s of a
//! 6.5 s run (docs/performance.md).
//!
//! Why it cannot deadlock: every item read is either being mapped by the worker that read it
//! or queued for worker 0, which takes the oldest queued item whenever it is free (an item to
//! map alone once nothing is before it, which cannot wait for ever: reading has stopped, and
//! everything before it is being mapped or queued ahead of it). So the oldest item in flight
//! is always being mapped or will be, and once it is done, the worker that did it writes it
//! out and wakes the others. Beside an item mapped alone, its slot is taken out once worker 0
//! takes it, and every item read beside it is lighter than `heavy` and `alone`, so mapped by
//! the worker that read it: the oldest slot is always being mapped, and each result, once it
//! and those before it are done, is held back without waiting for the alone item, which worker
//! 0 writes out (and then what was held back) as soon as it is done.

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
    /// The next item, or `None` at the end of the input, only if it is known to weigh less
    /// than `most` without taking more than `most` of it: `Err(Longer)` leaves it to a later
    /// [`Ends::read`]. Called only between [`Ends::hold`] and [`Ends::release`].
    fn read_within(&mut self, most: usize) -> Result<Option<U>, Longer> {
        let _ = most;
        Err(Longer)
    }
    /// Whether results may be held back from now until [`Ends::release`] (given to
    /// [`Ends::defer`], in input order, to be written after a result not yet done). Without
    /// it, an item mapped alone is mapped with nothing beside it.
    fn hold(&mut self) -> bool {
        false
    }
    /// Holds back the next result in input order. `false` if no more should be held: nothing
    /// more is then read until [`Ends::release`].
    fn defer(&mut self, result: T) -> bool {
        let _ = result;
        false
    }
    /// Writes out every result held back since [`Ends::hold`], in order, and ends the hold;
    /// `Break` stops the map.
    fn release(&mut self) -> ControlFlow<()> {
        ControlFlow::Continue(())
    }
}

/// The next item may weigh more than asked for ([`Ends::read_within`]): it is not read yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Longer;

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
            held: false,
            beside_full: false,
            beside: 0,
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
    /// and weights.
    heavy: VecDeque<(u64, usize, U)>,
    /// An item to map alone has been read: nothing more is read until it is written, but
    /// beside it while `held`.
    alone: bool,
    /// The item mapped alone is being mapped, its slot gone (its result will be written first
    /// of all), and the results of the slots are held back ([`Ends::hold`]).
    held: bool,
    /// Nothing more is read beside the item mapped alone: the next item may be too heavy, or
    /// `Ends` holds no more back.
    beside_full: bool,
    /// While `held`, the items read beside are lighter than this, and less than this weight of
    /// them is in flight (see [`Bounds::beside`]).
    beside: usize,
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
        let room = if self.alone {
            // Only beside an item mapped alone, and less than the room given to it.
            self.held && !self.beside_full && self.weight < self.beside
        } else {
            self.weight < bounds.weight
        };
        !self.ended && room && self.slots.len() < bounds.items.max(1)
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
                    if state.held {
                        // Those waiting may now read beside it.
                        shared.changed.notify_all();
                    }
                    break next;
                }
                if state.can_read(bounds) {
                    let next = if state.alone {
                        let most = state.beside;
                        state.ends.read_within(most)
                    } else {
                        Ok(state.ends.read())
                    };
                    let Ok(next) = next else {
                        state.beside_full = true;
                        continue;
                    };
                    let Some(item) = next else {
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
                        state.heavy.push_back((seq, weight, item));
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
        let mut wrote = false;
        match seq.checked_sub(state.next_out) {
            // The item mapped alone, whose slot is gone: first its result, then every one
            // held back beside it.
            None => {
                wrote = true;
                if state.ends.write(result).is_break() || state.ends.release().is_break() {
                    state.stopped = true;
                }
                state.held = false;
                state.beside_full = false;
                // Nothing read beside it is to be mapped alone: reading goes on.
                state.alone = false;
            }
            Some(at) => {
                if let Some(slot) = state.slots.get_mut(at as usize) {
                    slot.1 = Some(result);
                }
            }
        }
        while let Some((_, Some(_))) = state.slots.front() {
            if state.stopped {
                break;
            }
            let Some((weight, Some(result))) = state.slots.pop_front() else {
                break;
            };
            state.weight -= weight;
            state.next_out += 1;
            wrote = true;
            if state.held {
                if !state.ends.defer(result) {
                    state.beside_full = true;
                }
            } else if state.ends.write(result).is_break() {
                state.stopped = true;
            }
        }
        if state.slots.is_empty() && !state.held {
            state.alone = false;
        }
        drop(state);
        if wrote {
            shared.changed.notify_all();
        }
    }
}

/// For worker 0, the oldest heavy item queued, once it may be mapped: an item to map alone
/// only when it is the only one in flight, after `before_alone`; then, if `Ends` can hold
/// results back, its slot is taken out (its result is written as soon as it is done) and
/// the other workers may read beside it.
fn take<U, T, E: Ends<U, T>>(index: usize, state: &mut State<U, T, E>, bounds: Bounds) -> Option<(u64, U)> {
    if index != 0 {
        return None;
    }
    let &(_, weight, _) = state.heavy.front()?;
    if weight > bounds.alone {
        if state.slots.len() > 1 {
            return None;
        }
        if let Some(release) = bounds.before_alone {
            release();
        }
        if bounds.jobs > 1 && state.slots.len() == 1 && state.ends.hold() {
            if let Some((cost, _)) = state.slots.pop_front() {
                state.weight -= cost;
                state.next_out += 1;
                state.held = true;
                // Lighter than heavy too, so that the worker that reads an item maps it.
                state.beside = (bounds.weight.saturating_sub(weight) / 4)
                    .min(bounds.beside)
                    .min(bounds.heavy.min(bounds.alone).saturating_add(1));
            }
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
