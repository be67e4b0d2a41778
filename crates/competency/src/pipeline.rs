//! An ordered map over a stream on several threads, in bounded memory: the batch's engine
//! (docs/batch.md#memory).
//!
//! The calling thread reads items and hands out results in input order; `jobs` workers map
//! items as they come, each taking the next item as soon as it is free, so one slow item does
//! not stall the others (no barrier). What is in flight (read and not yet handed out: queued,
//! being mapped, or done and waiting for an earlier item) is bounded by a number of items and a
//! total weight (the batch weighs a line by its bytes); an item heavier than the bound is taken
//! alone. The calling thread waits only when both the bound is reached and the next result in
//! order is not yet done; since items are admitted in input order and every admitted item is
//! mapped, the oldest one always finishes, so the window cannot deadlock.

use std::collections::VecDeque;
use std::ops::ControlFlow;
#[cfg(feature = "parallel")]
use std::sync::{Condvar, Mutex, MutexGuard};

/// How much may be in flight at once, and on how many threads.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Bounds {
    /// Workers; 1 maps on the calling thread.
    pub jobs: usize,
    /// Most items in flight (at least 1).
    pub items: usize,
    /// Most total weight in flight; a heavier item is taken when nothing else is in flight.
    pub weight: usize,
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
    /// Admitted items not yet taken by a worker, in input order, with their sequence numbers.
    queue: VecDeque<(u64, U)>,
    /// One slot per admitted item not yet handed out, from `next_out` on: its weight, and its
    /// result once done.
    slots: VecDeque<(usize, Option<T>)>,
    /// The sequence number of the front slot.
    next_out: u64,
    /// Total weight of the slots.
    weight: usize,
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
            closed: false,
        }),
        queued: Condvar::new(),
        done: Condvar::new(),
    };
    let max_items = bounds.items.max(1);
    std::thread::scope(|scope| {
        for _ in 0..bounds.jobs {
            scope.spawn(|| worker(&shared, &work));
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
                    state.slots.len() < max_items && state.weight < bounds.weight
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
                        || (state.slots.len() < max_items
                            && state.weight.saturating_add(*weight) <= bounds.weight)
                });
                if fits {
                    if let Some((item, weight)) = pending.take() {
                        let seq = state.next_out + state.slots.len() as u64;
                        state.slots.push_back((weight, None));
                        state.weight += weight;
                        state.queue.push_back((seq, item));
                        shared.queued.notify_one();
                    }
                }
                while let Some((weight, Some(_))) = state.slots.front() {
                    let weight = *weight;
                    if let Some((_, Some(result))) = state.slots.pop_front() {
                        ready.push(result);
                    }
                    state.weight -= weight;
                    state.next_out += 1;
                }
                let can_read = pending.is_none()
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

/// Takes items in input order as they come and maps them, until the queue is closed.
#[cfg(feature = "parallel")]
fn worker<U, T>(shared: &Shared<U, T>, work: &(impl Fn(U) -> T + Sync)) {
    let _unwind = Unwind(shared);
    loop {
        let (seq, item) = {
            let mut state = shared.lock();
            loop {
                if let Some(next) = state.queue.pop_front() {
                    break next;
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
        // Only the front result lets the calling thread go on; waking it for others is cheap.
        drop(state);
        shared.done.notify_one();
    }
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
