//! An ordered map over a stream on several threads, in bounded memory: the engine of the
//! batch's [`Records`](crate::batch::Records) iterator, whose caller takes each result on its
//! own thread. The streaming batch (`check_reader_to`) uses [`map_in_turn`] instead, in which
//! the workers read and write in turn (`turns.rs`), with the same bounds
//! (docs/batch.md#memory-and-threads).
//!
//! The calling thread reads items and hands out results in input order; `jobs` workers map
//! items as they come, each taking the next item as soon as it is free, so one slow item does
//! not stall the others (no barrier). What is in flight (read and not yet handed out: queued,
//! being mapped, or done and waiting for an earlier item) is bounded by a number of items and a
//! total weight (the batch weighs a line by its bytes). An item counts for at most half the
//! weight bound, so that one large item still leaves room for others beside it; one is taken
//! when nothing else is in flight whatever it weighs. Mapping a heavy item (over
//! [`Bounds::heavy`]) costs several times its weight in memory, so only one is mapped at a time,
//! and always by the same worker: with glibc each thread allocates from its own arena, which
//! keeps the memory of its largest item after it is freed, so one arena, not every one, grows
//! to a heavy item's size. A free worker takes the oldest queued item it may start; the others
//! pass over heavy ones. An item heavier still (over [`Bounds::alone`]) is mapped alone: it is
//! admitted only once nothing else is in flight, and nothing is read until it is handed out,
//! so that what it costs is never added to a full window beside it.
//!
//! The calling thread waits only when the bound is reached and the next result in order is not
//! yet done; a worker wakes it once an eighth of the window can be handed out (or the queue
//! runs low, or everything is done), not for every item, so that it reads and writes in
//! bursts instead of switching in and out for each record. Items are admitted in input order,
//! and the heavy worker takes the oldest heavy item before any later one, so the oldest item
//! in flight is always being mapped or will be taken by a worker that is mapping something
//! else: the window cannot deadlock, even when the first item is the slowest. A worker that
//! finishes the oldest item always finds a reason to wake the calling thread in the end: the
//! queue runs low as the workers take from it, and nothing is admitted while the calling
//! thread waits.

mod turns;

pub(crate) use turns::{Ends, Longer, map_in_turn};

#[cfg(feature = "parallel")]
use std::collections::VecDeque;
use std::ops::ControlFlow;
#[cfg(feature = "parallel")]
use std::sync::{Condvar, Mutex, MutexGuard};

/// How much may be in flight at once, and on how many threads.
#[derive(Debug, Clone, Copy)]
// Without threads, only `jobs` (1) is meant: everything is mapped on the calling thread.
#[cfg_attr(not(feature = "parallel"), allow(dead_code))]
pub(crate) struct Bounds {
    /// Workers; 1 maps on the calling thread.
    pub jobs: usize,
    /// Most items in flight (at least 1).
    pub items: usize,
    /// Most total weight in flight, each item counting for at most half of it.
    pub weight: usize,
    /// Items heavier than this are mapped one at a time, by one worker.
    pub heavy: usize,
    /// Items heavier than this are mapped alone: with nothing else in flight, and nothing read
    /// until they are handed out.
    pub alone: usize,
    /// Called on the calling thread before an item is mapped alone, with nothing in flight.
    pub before_alone: Option<fn()>,
    /// With [`map_in_turn`] and `Ends` that can hold results back, the other workers go on
    /// beside an item mapped alone, with items lighter than this and than a quarter of what
    /// the item leaves of `weight` (what mapping it costs grows with its weight, so a heavier
    /// one leaves less room beside it), and less than that weight of them in flight.
    pub beside: usize,
}

/// Maps every item of `input` with `work` and gives each result to `emit`, in input order,
/// until the input ends or `emit` breaks. `input` and `emit` run on the calling thread.
pub(crate) fn ordered_map<U, T>(
    input: impl Iterator<Item = U>,
    weigh: impl Fn(&U) -> usize,
    work: impl Fn(U) -> T + Sync,
    mut emit: impl FnMut(T) -> ControlFlow<()>,
    bounds: Bounds,
) where
    U: Send,
    T: Send,
{
    #[cfg(feature = "parallel")]
    if bounds.jobs > 1 {
        parallel(input, weigh, work, emit, bounds);
        return;
    }
    let _ = (&weigh, bounds);
    for item in input {
        if emit(work(item)).is_break() {
            return;
        }
    }
}

/// The state the calling thread and the workers share, behind one mutex.
#[cfg(feature = "parallel")]
struct State<U, T> {
    /// Admitted items not yet taken by a worker, in input order, with their sequence numbers
    /// and weights.
    queue: VecDeque<(u64, usize, U)>,
    /// One slot per admitted item not yet handed out, from `next_out` on: its weight, and its
    /// result once done.
    slots: VecDeque<(usize, Option<T>)>,
    /// The sequence number of the front slot.
    next_out: u64,
    /// Total weight of the slots, each counted as [`cost`] says.
    weight: usize,
    /// How many slots from the front are done, and their weight: what the calling thread can
    /// hand out now.
    done_front: usize,
    done_front_weight: usize,
    /// An item mapped alone is in flight: nothing is read or admitted until it is handed out.
    alone: bool,
    /// No more items will be queued: workers finish what they hold and stop.
    closed: bool,
}

#[cfg(feature = "parallel")]
struct Shared<U, T> {
    state: Mutex<State<U, T>>,
    /// A worker waits here for an item (or the end).
    queued: Condvar,
    /// The calling thread waits here for a result.
    done: Condvar,
}

#[cfg(feature = "parallel")]
impl<U, T> Shared<U, T> {
    fn lock(&self) -> MutexGuard<'_, State<U, T>> {
        // A worker that panicked poisons the lock; its panic is re-raised when the scope joins,
        // so the state is still usable until then.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(feature = "parallel")]
fn parallel<U, T>(
    mut input: impl Iterator<Item = U>,
    weigh: impl Fn(&U) -> usize,
    work: impl Fn(U) -> T + Sync,
    mut emit: impl FnMut(T) -> ControlFlow<()>,
    bounds: Bounds,
) where
    U: Send,
    T: Send,
{
    let shared = Shared {
        state: Mutex::new(State {
            queue: VecDeque::new(),
            slots: VecDeque::new(),
            next_out: 0,
            weight: 0,
            done_front: 0,
            done_front_weight: 0,
            alone: false,
            closed: false,
        }),
        queued: Condvar::new(),
        done: Condvar::new(),
    };
    let max_items = bounds.items.max(1);
    std::thread::scope(|scope| {
        for index in 0..bounds.jobs {
            // Worker 0 alone takes heavy items.
            let heavy = if index == 0 { usize::MAX } else { bounds.heavy };
            let (shared, work) = (&shared, &work);
            scope.spawn(move || worker(shared, work, heavy, bounds));
        }
        // Ends the workers however the calling thread leaves (a panic in `emit` included).
        let _close = Close(&shared);
        // The next item, read but not yet admitted, and its weight.
        let mut pending: Option<(U, usize)> = None;
        let mut ended = false;
        let mut ready = Vec::new();
        loop {
            if pending.is_none() && !ended {
                // Read only when there is room, so that the item read is soon admitted.
                let room = {
                    let state = shared.lock();
                    !state.alone && state.slots.len() < max_items && state.weight < bounds.weight
                };
                if room {
                    match input.next() {
                        Some(item) => {
                            let weight = weigh(&item);
                            pending = Some((item, weight));
                        }
                        None => ended = true,
                    }
                }
            }
            let mut state = shared.lock();
            loop {
                let fits = pending.as_ref().is_some_and(|(_, weight)| {
                    state.slots.is_empty()
                        || (!state.alone
                            && *weight <= bounds.alone
                            && state.slots.len() < max_items
                            && state.weight.saturating_add(cost(*weight, bounds)) <= bounds.weight)
                });
                if fits {
                    if let Some((item, weight)) = pending.take() {
                        state.alone = weight > bounds.alone;
                        if state.alone {
                            // Nothing is in flight, and the workers wait.
                            if let Some(release) = bounds.before_alone {
                                release();
                            }
                        }
                        let seq = state.next_out + state.slots.len() as u64;
                        state.slots.push_back((cost(weight, bounds), None));
                        state.weight += cost(weight, bounds);
                        state.queue.push_back((seq, weight, item));
                        // Every worker: the one woken must be one that may take it.
                        shared.queued.notify_all();
                    }
                }
                while let Some((weight, Some(_))) = state.slots.front() {
                    let weight = *weight;
                    if let Some((_, Some(result))) = state.slots.pop_front() {
                        ready.push(result);
                    }
                    state.weight -= weight;
                    state.next_out += 1;
                    state.done_front -= 1;
                    state.done_front_weight -= weight;
                }
                if state.slots.is_empty() {
                    state.alone = false;
                }
                let can_read = pending.is_none()
                    && !state.alone
                    && !ended
                    && state.slots.len() < max_items
                    && state.weight < bounds.weight;
                let finished = ended && pending.is_none() && state.slots.is_empty();
                if !ready.is_empty() || can_read || finished {
                    break;
                }
                if state.closed {
                    // A worker panicked: its item will never be done. Leave; the scope re-raises
                    // the panic.
                    return;
                }
                state = shared
                    .done
                    .wait(state)
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
            }
            let finished = ended && pending.is_none() && state.slots.is_empty();
            drop(state);
            for result in ready.drain(..) {
                if emit(result).is_break() {
                    return;
                }
            }
            if finished {
                return;
            }
        }
    });
}

/// Closes the queue when dropped: workers drop what is queued and stop.
#[cfg(feature = "parallel")]
struct Close<'a, U, T>(&'a Shared<U, T>);

#[cfg(feature = "parallel")]
impl<U, T> Drop for Close<'_, U, T> {
    fn drop(&mut self) {
        let mut state = self.0.lock();
        state.closed = true;
        state.queue.clear();
        drop(state);
        self.0.queued.notify_all();
    }
}

/// What an item of `weight` counts for against [`Bounds::weight`]: at most half of it.
fn cost(weight: usize, bounds: Bounds) -> usize {
    weight.min((bounds.weight / 2).max(1))
}

/// Takes the oldest item it may start (none heavier than `heavy`) as they come and maps it,
/// until the queue is closed.
#[cfg(feature = "parallel")]
fn worker<U, T>(shared: &Shared<U, T>, work: &(impl Fn(U) -> T + Sync), heavy: usize, bounds: Bounds) {
    let _unwind = Unwind(shared);
    loop {
        let (seq, item) = {
            let mut state = shared.lock();
            loop {
                // The queue holds at most `Bounds::items` items: a bounded scan.
                let next = state
                    .queue
                    .iter()
                    .position(|(_, weight, _)| *weight <= heavy)
                    .and_then(|at| state.queue.remove(at));
                if let Some((seq, _, item)) = next {
                    break (seq, item);
                }
                if state.closed {
                    return;
                }
                state = shared
                    .queued
                    .wait(state)
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
            }
        };
        let result = work(item);
        let mut state = shared.lock();
        if state.closed {
            return;
        }
        let index = (seq - state.next_out) as usize;
        if let Some(slot) = state.slots.get_mut(index) {
            slot.1 = Some(result);
        }
        // Each slot joins the done front once, when it or the slot before it is done: linear.
        if index == state.done_front {
            while let Some((weight, Some(_))) = state.slots.get(state.done_front) {
                state.done_front_weight += *weight;
                state.done_front += 1;
            }
        }
        let wake = wake_caller(&state, bounds);
        drop(state);
        if wake {
            shared.done.notify_one();
        }
    }
}

/// Whether a worker that has just finished an item wakes the calling thread: only when it can
/// hand something out, and then not for every item but once an eighth of the window is done
/// (the window is full when it waits), or when the workers are about to run out of items
/// (fewer queued than there are workers), or when everything in flight is done. One wake per
/// item cost a context switch per record on each side, and with three threads on two cores
/// most of them preempted a worker: on the 1 GB benchmark with two jobs, about 39,000 context
/// switches and 1.0 s of system time, against about 7,000 and 0.7 s now.
#[cfg(feature = "parallel")]
fn wake_caller<U, T>(state: &State<U, T>, bounds: Bounds) -> bool {
    state.done_front > 0
        && (state.queue.len() < bounds.jobs
            || state.done_front == state.slots.len()
            || state.done_front_weight.saturating_mul(8) >= bounds.weight
            || state.done_front.saturating_mul(8) >= bounds.items.max(1))
}

/// Wakes everyone if a worker panics, so that the calling thread does not wait for the item the
/// worker held.
#[cfg(feature = "parallel")]
struct Unwind<'a, U, T>(&'a Shared<U, T>);

#[cfg(feature = "parallel")]
impl<U, T> Drop for Unwind<'_, U, T> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let mut state = self.0.lock();
            state.closed = true;
            state.queue.clear();
            drop(state);
            self.0.queued.notify_all();
            self.0.done.notify_all();
        }
    }
}

#[cfg(all(test, feature = "parallel"))]
mod tests;
