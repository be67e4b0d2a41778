//! An ordered map over a stream on several threads, in bounded memory: the batch's engine
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
#[cfg(feature = "parallel")]
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
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn collect(
        items: Vec<(usize, usize)>,
        bounds: Bounds,
        work: impl Fn((usize, usize)) -> usize + Sync,
    ) -> Vec<usize> {
        let mut out = Vec::new();
        ordered_map(
            items.into_iter(),
            |(_, weight)| *weight,
            work,
            |n| {
                out.push(n);
                ControlFlow::Continue(())
            },
            bounds,
        );
        out
    }

    /// Blocks until `count` reaches `at_least`.
    fn wait_for(count: &(Mutex<usize>, Condvar), at_least: usize) {
        let mut n = count.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        while *n < at_least {
            n = count.1.wait(n).unwrap_or_else(std::sync::PoisonError::into_inner);
        }
    }

    fn bump(count: &(Mutex<usize>, Condvar)) {
        *count.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner) += 1;
        count.1.notify_all();
    }

    #[test]
    fn the_first_item_waiting_for_later_ones_neither_deadlocks_nor_reorders() {
        // Item 0 is not done until the three after it are: the others must go on beside it, and
        // the window (4 items) must hold them until it is.
        let done = (Mutex::new(0), Condvar::new());
        let items: Vec<(usize, usize)> = (0..40).map(|n| (n, 1)).collect();
        let bounds = Bounds {
            jobs: 2,
            items: 4,
            weight: 1_000,
            heavy: 1_000,
            alone: usize::MAX,
            before_alone: None,
        };
        let out = collect(items, bounds, |(n, _)| {
            if n == 0 {
                wait_for(&done, 3);
            } else {
                bump(&done);
            }
            n
        });
        assert_eq!(out, (0..40).collect::<Vec<_>>());
    }

    #[test]
    fn heavy_items_are_mapped_one_at_a_time_and_light_ones_beside_them() {
        // Items 0 and 1 are heavy; item 0 is not done until a light one after both is, so the
        // other workers must pass over item 1 (heavy, and 0 is being mapped) to a light item.
        let light_done = (Mutex::new(0), Condvar::new());
        let heavy_now = AtomicUsize::new(0);
        let most = AtomicUsize::new(0);
        let items: Vec<(usize, usize)> = (0..30)
            .map(|n| (n, if n < 2 || n % 7 == 0 { 50 } else { 1 }))
            .collect();
        let bounds = Bounds {
            jobs: 3,
            items: 8,
            weight: 200,
            heavy: 10,
            alone: usize::MAX,
            before_alone: None,
        };
        let out = collect(items.clone(), bounds, |(n, weight)| {
            if weight > 10 {
                let now = heavy_now.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                if n == 0 {
                    wait_for(&light_done, 1);
                }
                heavy_now.fetch_sub(1, Ordering::SeqCst);
            } else {
                bump(&light_done);
            }
            n
        });
        assert_eq!(out, (0..30).collect::<Vec<_>>());
        assert_eq!(most.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn an_item_over_alone_is_mapped_with_nothing_else_read_or_in_flight() {
        // Counts what is read and not yet handed out; an item over `alone` must be the only
        // one, from before it is mapped until it is handed out.
        let read = AtomicUsize::new(0);
        let most_beside = AtomicUsize::new(0);
        let weights: Vec<usize> = (0..120)
            .map(|n| if n % 9 == 4 { 40 } else { 1 + n % 5 })
            .collect();
        let bounds = Bounds {
            jobs: 3,
            items: 16,
            weight: 24,
            heavy: 6,
            alone: 20,
            before_alone: None,
        };
        let mut out = Vec::new();
        ordered_map(
            weights.iter().copied().enumerate().inspect(|_| {
                read.fetch_add(1, Ordering::SeqCst);
            }),
            |(_, w)| *w,
            |(n, w)| {
                if w > bounds.alone {
                    // Give the calling thread time to read ahead, were it allowed to.
                    std::thread::sleep(std::time::Duration::from_millis(2));
                    most_beside.fetch_max(read.load(Ordering::SeqCst) - 1, Ordering::SeqCst);
                }
                n
            },
            |n| {
                read.fetch_sub(1, Ordering::SeqCst);
                out.push(n);
                ControlFlow::Continue(())
            },
            bounds,
        );
        assert_eq!(out, (0..120).collect::<Vec<_>>());
        assert_eq!(most_beside.load(Ordering::SeqCst), 0);
    }

    #[test]
    fn what_is_in_flight_stays_within_the_bounds() {
        // Each item records how many items were read and not yet handed out when it was read.
        let in_flight = AtomicUsize::new(0);
        let weight_in_flight = AtomicUsize::new(0);
        let most = AtomicUsize::new(0);
        let most_weight = AtomicUsize::new(0);
        let weights = [3usize, 1, 9, 1, 1, 4, 1, 1, 1, 12, 2, 2, 2, 1, 1, 5];
        let bounds = Bounds {
            jobs: 2,
            items: 5,
            weight: 8,
            heavy: 3,
            alone: usize::MAX,
            before_alone: None,
        };
        let mut out = Vec::new();
        ordered_map(
            weights
                .iter()
                .copied()
                .enumerate()
                .cycle()
                .take(200)
                .inspect(|(_, w)| {
                    most.fetch_max(in_flight.fetch_add(1, Ordering::SeqCst) + 1, Ordering::SeqCst);
                    let cost = (*w).min(bounds.weight / 2);
                    most_weight.fetch_max(
                        weight_in_flight.fetch_add(cost, Ordering::SeqCst) + cost,
                        Ordering::SeqCst,
                    );
                }),
            |(_, w)| *w,
            |(n, w)| (n, w),
            |(n, w)| {
                in_flight.fetch_sub(1, Ordering::SeqCst);
                weight_in_flight.fetch_sub(w.min(bounds.weight / 2), Ordering::SeqCst);
                out.push(n);
                ControlFlow::Continue(())
            },
            bounds,
        );
        assert_eq!(out.len(), 200);
        assert!(
            out.iter()
                .zip(weights.iter().enumerate().cycle())
                .all(|(a, (b, _))| *a == b)
        );
        // One read ahead beyond the window, waiting for room; its weight only once admitted
        // can be over, and only by one item's cost.
        assert!(
            most.load(Ordering::SeqCst) <= 6,
            "{}",
            most.load(Ordering::SeqCst)
        );
        assert!(
            most_weight.load(Ordering::SeqCst) <= 8 + 4,
            "{}",
            most_weight.load(Ordering::SeqCst)
        );
    }

    #[test]
    fn no_mix_of_bounds_weights_and_slow_items_stalls_or_reorders() {
        // The calling thread sleeps until a worker wakes it, and workers wake it only now and
        // then (`wake_caller`): a missed wake-up would hang here, so each run has a deadline.
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move |below: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % below as u64) as usize
        };
        for run in 0..60 {
            let bounds = Bounds {
                jobs: 2 + next(3),
                items: 1 + next(12),
                weight: 1 + next(40),
                heavy: 1 + next(10),
                alone: 1 + next(30),
                before_alone: None,
            };
            let items: Vec<(usize, usize)> = (0..150).map(|n| (n, 1 + next(20))).collect();
            let spins: Vec<usize> = (0..150)
                .map(|_| if next(10) == 0 { 20_000 } else { 50 })
                .collect();
            let (sent, got) = std::sync::mpsc::channel();
            std::thread::spawn(move || {
                let out = collect(items, bounds, |(n, _)| {
                    // Uneven work, so that items finish out of order.
                    for i in 0..spins[n] {
                        std::hint::black_box(i);
                    }
                    n
                });
                let _ = sent.send(out);
            });
            let out = got
                .recv_timeout(std::time::Duration::from_secs(60))
                .unwrap_or_else(|_| panic!("run {run} with {bounds:?} did not finish"));
            assert_eq!(out, (0..150).collect::<Vec<_>>(), "run {run} with {bounds:?}");
        }
    }

    #[test]
    fn a_break_from_emit_stops_the_workers() {
        let mapped = AtomicUsize::new(0);
        let mut out = Vec::new();
        ordered_map(
            0..10_000usize,
            |_| 1,
            |n| {
                mapped.fetch_add(1, Ordering::SeqCst);
                n
            },
            |n| {
                out.push(n);
                if n == 9 {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            },
            Bounds {
                jobs: 2,
                items: 16,
                weight: 1_000,
                heavy: 1_000,
                alone: usize::MAX,
                before_alone: None,
            },
        );
        assert_eq!(out, (0..10).collect::<Vec<_>>());
        assert!(mapped.load(Ordering::SeqCst) <= 10 + 16 + 1);
    }

    #[test]
    fn a_worker_panic_is_raised_not_waited_for() {
        let result = std::panic::catch_unwind(|| {
            collect(
                (0..100).map(|n| (n, 1)).collect(),
                Bounds {
                    jobs: 2,
                    items: 8,
                    weight: 100,
                    heavy: 100,
                    alone: usize::MAX,
                    before_alone: None,
                },
                |(n, _)| {
                    assert!(n != 3, "item 3 fails");
                    n
                },
            )
        });
        assert!(result.is_err());
    }
}
