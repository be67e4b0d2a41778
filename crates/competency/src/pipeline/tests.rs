//! The ordered maps' tests, each run on both engines: order, bounds, heavy and lone items,
//! wake-ups, breaks and panics.
use super::turns::Longer;
use super::*;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The two engines: [`ordered_map`] (the calling thread reads and hands out) and
/// [`map_in_turn`] (the workers read and write in turn).
#[derive(Debug, Clone, Copy)]
enum Engine {
    Ordered,
    InTurn,
}

const ENGINES: [Engine; 2] = [Engine::Ordered, Engine::InTurn];

/// An input and an emit function as [`Ends`].
struct Closures<I, E>(I, E);

impl<U, T, I: Iterator<Item = U>, E: FnMut(T) -> ControlFlow<()>> Ends<U, T> for Closures<I, E> {
    fn read(&mut self) -> Option<U> {
        self.0.next()
    }
    fn write(&mut self, result: T) -> ControlFlow<()> {
        (self.1)(result)
    }
}

/// `ordered_map`'s arguments, given to either engine.
fn map<U: Send, T: Send>(
    engine: Engine,
    input: impl Iterator<Item = U> + Send,
    weigh: impl Fn(&U) -> usize + Sync,
    work: impl Fn(U) -> T + Sync,
    emit: impl FnMut(T) -> ControlFlow<()> + Send,
    bounds: Bounds,
) {
    match engine {
        Engine::Ordered => ordered_map(input, weigh, work, emit, bounds),
        Engine::InTurn => drop(map_in_turn(Closures(input, emit), weigh, work, bounds)),
    }
}

fn collect(
    engine: Engine,
    items: Vec<(usize, usize)>,
    bounds: Bounds,
    work: impl Fn((usize, usize)) -> usize + Sync,
) -> Vec<usize> {
    let mut out = Vec::new();
    map(
        engine,
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

/// Seeded pseudo-random numbers under a bound (xorshift), so that a failing run can be rerun.
fn below(mut seed: u64) -> impl FnMut(usize) -> usize {
    move |below: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % below as u64) as usize
    }
}

/// Random bounds for the engines' property tests: two to four jobs, small windows, and lines
/// read beside one mapped alone when `beside_most` is over 0 (under it).
fn random_bounds(next: &mut impl FnMut(usize) -> usize, beside_most: usize) -> Bounds {
    Bounds {
        jobs: 2 + next(3),
        items: 1 + next(12),
        weight: 1 + next(40),
        heavy: 1 + next(10),
        alone: 1 + next(30),
        before_alone: None,
        beside: if beside_most == 0 { 0 } else { next(beside_most) },
    }
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
    for engine in ENGINES {
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
            beside: 0,
        };
        let out = collect(engine, items, bounds, |(n, _)| {
            if n == 0 {
                wait_for(&done, 3);
            } else {
                bump(&done);
            }
            n
        });
        assert_eq!(out, (0..40).collect::<Vec<_>>());
    }
}

/// Three workers, and items over 10 heavy: the heavy-item tests' bounds.
const HEAVY_BEYOND_10: Bounds = Bounds {
    jobs: 3,
    items: 8,
    weight: 200,
    heavy: 10,
    alone: usize::MAX,
    before_alone: None,
    beside: 0,
};

#[test]
fn heavy_items_are_mapped_one_at_a_time_and_light_ones_beside_them() {
    for engine in ENGINES {
        // Items 0 and 1 are heavy; item 0 is not done until a light one after both is, so the
        // other workers must pass over item 1 (heavy, and 0 is being mapped) to a light item.
        let light_done = (Mutex::new(0), Condvar::new());
        let heavy_now = AtomicUsize::new(0);
        let most = AtomicUsize::new(0);
        let items: Vec<(usize, usize)> = (0..30)
            .map(|n| (n, if n < 2 || n % 7 == 0 { 50 } else { 1 }))
            .collect();
        let bounds = HEAVY_BEYOND_10;
        let out = collect(engine, items.clone(), bounds, |(n, weight)| {
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
}

#[test]
fn an_item_over_alone_is_mapped_with_nothing_else_read_or_in_flight() {
    // With `heavy` below `alone`, as batch sets them, and above it.
    for (engine, heavy) in ENGINES.into_iter().flat_map(|e| [(e, 6), (e, 50)]) {
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
            heavy,
            alone: 20,
            before_alone: None,
            beside: 0,
        };
        let mut out = Vec::new();
        map(
            engine,
            weights.iter().copied().enumerate().inspect(|_| {
                read.fetch_add(1, Ordering::SeqCst);
            }),
            |(_, w)| *w,
            |(n, w)| {
                if w > bounds.alone {
                    // Nothing before it still in flight as it starts...
                    most_beside.fetch_max(read.load(Ordering::SeqCst) - 1, Ordering::SeqCst);
                    // ...nor after it read meanwhile, given time to be, were it allowed.
                    std::thread::sleep(std::time::Duration::from_millis(2));
                    most_beside.fetch_max(read.load(Ordering::SeqCst) - 1, Ordering::SeqCst);
                } else {
                    // Long enough that items before one over `alone` are still in flight
                    // when it is read.
                    std::thread::sleep(std::time::Duration::from_micros(300));
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
}

#[test]
fn what_is_in_flight_stays_within_the_bounds() {
    for engine in ENGINES {
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
            beside: 0,
        };
        let mut out = Vec::new();
        map(
            engine,
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
}

#[test]
fn no_mix_of_bounds_weights_and_slow_items_stalls_or_reorders() {
    for engine in ENGINES {
        // The calling thread sleeps until a worker wakes it, and workers wake it only now and
        // then (`wake_caller`): a missed wake-up would hang here, so each run has a deadline.
        let mut next = below(0x9e37_79b9_7f4a_7c15);
        for run in 0..60 {
            let bounds = random_bounds(&mut next, 0);
            let items: Vec<(usize, usize)> = (0..150).map(|n| (n, 1 + next(20))).collect();
            let spins: Vec<usize> = (0..150)
                .map(|_| if next(10) == 0 { 20_000 } else { 50 })
                .collect();
            let (sent, got) = std::sync::mpsc::channel();
            std::thread::spawn(move || {
                let out = collect(engine, items, bounds, |(n, _)| {
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
                .unwrap_or_else(|_| panic!("{engine:?}: run {run} with {bounds:?} did not finish"));
            assert_eq!(
                out,
                (0..150).collect::<Vec<_>>(),
                "{engine:?}: run {run} with {bounds:?}"
            );
        }
    }
}

#[test]
fn a_break_from_emit_stops_the_workers() {
    for engine in ENGINES {
        let mapped = AtomicUsize::new(0);
        let mut out = Vec::new();
        map(
            engine,
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
                beside: 0,
            },
        );
        assert_eq!(out, (0..10).collect::<Vec<_>>());
        assert!(mapped.load(Ordering::SeqCst) <= 10 + 16 + 1);
    }
}

#[test]
fn a_worker_panic_is_raised_not_waited_for() {
    for engine in ENGINES {
        let result = std::panic::catch_unwind(|| {
            collect(
                engine,
                (0..100).map(|n| (n, 1)).collect(),
                Bounds {
                    jobs: 2,
                    items: 8,
                    weight: 100,
                    heavy: 100,
                    alone: usize::MAX,
                    before_alone: None,
                    beside: 0,
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

#[test]
fn in_turn_heavy_items_are_all_mapped_by_the_calling_thread() {
    // So that one thread's allocator arena, not every one, grows to a heavy item's size.
    let caller = std::thread::current().id();
    let elsewhere = AtomicUsize::new(0);
    let light_elsewhere = AtomicUsize::new(0);
    let items: Vec<(usize, usize)> = (0..300).map(|n| (n, if n % 5 == 0 { 50 } else { 1 })).collect();
    let bounds = HEAVY_BEYOND_10;
    let out = collect(Engine::InTurn, items, bounds, |(n, weight)| {
        let here = std::thread::current().id() == caller;
        if weight > 10 && !here {
            elsewhere.fetch_add(1, Ordering::SeqCst);
        }
        if weight <= 10 {
            light_elsewhere.fetch_add(usize::from(!here), Ordering::SeqCst);
            // Slow enough that the calling thread cannot map everything by itself.
            std::thread::sleep(std::time::Duration::from_micros(200));
        }
        n
    });
    assert_eq!(out, (0..300).collect::<Vec<_>>());
    assert_eq!(elsewhere.load(Ordering::SeqCst), 0);
    assert!(light_elsewhere.load(Ordering::SeqCst) > 0);
}

/// `Ends` that can hold results back beside an item mapped alone, as the batch's do: the
/// items are `(n, weight)`, read within a bound by looking at the next one's weight. Every
/// `refuse`-th result held back is refused (0: none is), as when the batch's file fails.
struct Holding<I: Iterator<Item = (usize, usize)>> {
    input: std::iter::Peekable<I>,
    out: Vec<usize>,
    held: Vec<usize>,
    holding: bool,
    can_hold: bool,
    refuse: usize,
    deferred: usize,
    holds: usize,
}

impl<I: Iterator<Item = (usize, usize)>> Holding<I> {
    fn new(input: I, can_hold: bool, refuse: usize) -> Self {
        Holding {
            input: input.peekable(),
            out: Vec::new(),
            held: Vec::new(),
            holding: false,
            can_hold,
            refuse,
            deferred: 0,
            holds: 0,
        }
    }
}

impl<I: Iterator<Item = (usize, usize)>> Ends<(usize, usize), usize> for Holding<I> {
    fn read(&mut self) -> Option<(usize, usize)> {
        self.input.next()
    }
    fn write(&mut self, n: usize) -> ControlFlow<()> {
        // While holding, only the item mapped alone is written, and nothing held is before it.
        assert!(!self.holding || self.held.iter().all(|&h| h > n));
        self.out.push(n);
        ControlFlow::Continue(())
    }
    fn read_within(&mut self, most: usize) -> Result<Option<(usize, usize)>, Longer> {
        assert!(self.holding, "read within a bound only while holding");
        match self.input.peek() {
            Some(&(_, weight)) if weight >= most => Err(Longer),
            _ => Ok(self.input.next()),
        }
    }
    fn hold(&mut self) -> bool {
        assert!(!self.holding);
        self.holding = self.can_hold;
        self.holds += usize::from(self.can_hold);
        self.can_hold
    }
    fn defer(&mut self, n: usize) -> bool {
        assert!(self.holding);
        self.held.push(n);
        self.deferred += 1;
        self.refuse == 0 || self.deferred % self.refuse != 0
    }
    fn release(&mut self) -> ControlFlow<()> {
        assert!(self.holding);
        self.holding = false;
        self.out.append(&mut self.held);
        ControlFlow::Continue(())
    }
}

#[test]
fn in_turn_light_items_go_on_beside_an_item_mapped_alone_and_come_out_after_it() {
    // Weights: 24 is mapped alone; under 4 may be mapped beside it (a quarter of what it
    // leaves of 60 is 9); 4 to 6 stop reading beside it; 7 to 20 are heavy.
    let weights: Vec<usize> = (0..150)
        .map(|n| match n % 25 {
            3 | 17 => 24,
            9 => 5,
            12 => 8,
            _ => 1 + n % 3,
        })
        .collect();
    let bounds = Bounds {
        jobs: 2,
        items: 16,
        weight: 60,
        heavy: 6,
        alone: 20,
        before_alone: None,
        beside: 4,
    };
    for can_hold in [true, false] {
        let alone_now = AtomicUsize::new(0);
        let beside = AtomicUsize::new(0);
        let heavy_beside = AtomicUsize::new(0);
        let ends = map_in_turn(
            Holding::new(weights.iter().copied().enumerate(), can_hold, 0),
            |(_, w)| *w,
            |(n, w)| {
                if w > bounds.alone {
                    alone_now.store(1, Ordering::SeqCst);
                    std::thread::sleep(std::time::Duration::from_millis(3));
                    alone_now.store(0, Ordering::SeqCst);
                } else {
                    if alone_now.load(Ordering::SeqCst) == 1 {
                        beside.fetch_add(1, Ordering::SeqCst);
                        heavy_beside.fetch_add(usize::from(w >= bounds.beside), Ordering::SeqCst);
                    }
                    std::thread::sleep(std::time::Duration::from_micros(100));
                }
                n
            },
            bounds,
        );
        assert_eq!(ends.out, (0..150).collect::<Vec<_>>(), "can_hold {can_hold}");
        assert_eq!(heavy_beside.load(Ordering::SeqCst), 0);
        if can_hold {
            assert_eq!(ends.holds, 12);
            assert!(
                beside.load(Ordering::SeqCst) > 12,
                "{}",
                beside.load(Ordering::SeqCst)
            );
        } else {
            assert_eq!(beside.load(Ordering::SeqCst), 0);
        }
    }
}

#[test]
fn in_turn_holding_back_neither_stalls_nor_reorders_whatever_the_bounds() {
    let mut next = below(0x2545_f491_4f6c_dd1d);
    for run in 0..80 {
        let bounds = random_bounds(&mut next, 12);
        let (can_hold, refuse) = (next(5) != 0, next(4));
        let items: Vec<(usize, usize)> = (0..150).map(|n| (n, 1 + next(40))).collect();
        let spins: Vec<usize> = (0..150).map(|_| if next(8) == 0 { 20_000 } else { 50 }).collect();
        let (sent, got) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let ends = map_in_turn(
                Holding::new(items.into_iter(), can_hold, refuse),
                |(_, w)| *w,
                |(n, _)| {
                    for i in 0..spins[n] {
                        std::hint::black_box(i);
                    }
                    n
                },
                bounds,
            );
            let _ = sent.send((ends.out, ends.held.len(), ends.holding));
        });
        let (out, held, holding) = got
            .recv_timeout(std::time::Duration::from_secs(60))
            .unwrap_or_else(|_| panic!("run {run} with {bounds:?} did not finish"));
        let label = format!("run {run} with {bounds:?}, can_hold {can_hold}, refuse {refuse}");
        assert_eq!(out, (0..150).collect::<Vec<_>>(), "{label}");
        assert_eq!((held, holding), (0, false), "{label}");
    }
}
