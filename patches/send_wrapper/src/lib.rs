//! `SendWrapper<T>`: a value marked `Send` and `Sync` that may only be used
//! on the thread that made it, with the API of crates.io's `send_wrapper`
//! 0.6 (which Leptos wraps every DOM handle and closure in).
//!
//! Why our own: on `wasm32-unknown-unknown` without atomics there is one
//! thread, so the check can never fail, yet the upstream crate's
//! `std::thread::current()` links std's thread registry (its names, ids,
//! `Arc`s and messages) into every app: ~1.3 KB gzip of the customer
//! widget's 90 KB budget. Here the owner is `()` on such targets, and a
//! `ThreadId` checked as upstream does everywhere else.

#[cfg(feature = "futures")]
mod futures;

use std::fmt;
use std::mem::ManuallyDrop;
use std::ops::{Deref, DerefMut};

/// Which thread made a wrapper.
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
type Owner = ();
#[cfg(not(all(target_arch = "wasm32", not(target_feature = "atomics"))))]
type Owner = std::thread::ThreadId;

/// The thread running now.
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
fn here() -> Owner {}
#[cfg(not(all(target_arch = "wasm32", not(target_feature = "atomics"))))]
fn here() -> Owner {
    std::thread::current().id()
}

/// A value usable only on the thread that wrapped it; using or dropping
/// it elsewhere panics.
pub struct SendWrapper<T> {
    data: ManuallyDrop<T>,
    owner: Owner,
}

// SAFETY: every access to `data` (deref, take, drop, poll) first checks
// that it happens on the owner's thread, so `T` never crosses threads.
unsafe impl<T> Send for SendWrapper<T> {}
// SAFETY: as above; a shared reference reaches `data` only on the owner's thread.
unsafe impl<T> Sync for SendWrapper<T> {}

impl<T> SendWrapper<T> {
    /// Wraps `data`, owned by the current thread.
    pub fn new(data: T) -> SendWrapper<T> {
        SendWrapper { data: ManuallyDrop::new(data), owner: here() }
    }

    /// Whether this thread may use the value.
    pub fn valid(&self) -> bool {
        self.owner == here()
    }

    /// The value back. Panics on another thread.
    pub fn take(self) -> T {
        self.check("taken");
        let mut this = ManuallyDrop::new(self);
        // SAFETY: `this` is never dropped, so `data` is read out once.
        unsafe { ManuallyDrop::take(&mut this.data) }
    }

    fn check(&self, what: &str) {
        if !self.valid() {
            wrong_thread(what);
        }
    }
}

#[cold]
fn wrong_thread(what: &str) -> ! {
    panic!("a SendWrapper's value was {what} on another thread than the one that made it")
}

impl<T> Deref for SendWrapper<T> {
    type Target = T;

    fn deref(&self) -> &T {
        self.check("used");
        &self.data
    }
}

impl<T> DerefMut for SendWrapper<T> {
    fn deref_mut(&mut self) -> &mut T {
        self.check("used");
        &mut self.data
    }
}

impl<T> Drop for SendWrapper<T> {
    fn drop(&mut self) {
        if !std::mem::needs_drop::<T>() || self.valid() {
            // SAFETY: dropped once, here; `data` is not used afterwards.
            unsafe { ManuallyDrop::drop(&mut self.data) };
        } else if !std::thread::panicking() {
            wrong_thread("dropped");
        }
        // (Dropped elsewhere while panicking: leaked rather than a double panic.)
    }
}

impl<T: fmt::Debug> fmt::Debug for SendWrapper<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SendWrapper").field("data", &**self).finish()
    }
}

impl<T: Clone> Clone for SendWrapper<T> {
    fn clone(&self) -> Self {
        SendWrapper::new((**self).clone())
    }
}

#[cfg(test)]
mod tests {
    use super::SendWrapper;
    use std::rc::Rc;

    #[test]
    fn the_owner_uses_takes_and_clones_the_value() {
        let mut w = SendWrapper::new(vec![1, 2]);
        assert!(w.valid());
        w.push(3);
        assert_eq!(*w.clone(), vec![1, 2, 3]);
        assert_eq!(w.take(), vec![1, 2, 3]);
    }

    #[test]
    fn dropping_on_the_owner_drops_the_value_once() {
        let rc = Rc::new(());
        drop(SendWrapper::new(rc.clone()));
        assert_eq!(Rc::strong_count(&rc), 1);
        let taken = SendWrapper::new(rc.clone()).take();
        assert_eq!(Rc::strong_count(&rc), 2);
        drop(taken);
        assert_eq!(Rc::strong_count(&rc), 1);
    }

    #[test]
    fn another_thread_may_move_but_not_use_it() {
        let w = SendWrapper::new(Rc::new(5));
        let back = std::thread::spawn(move || {
            assert!(!w.valid());
            let used = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| **w));
            assert!(used.is_err(), "deref on another thread panics");
            w
        })
        .join()
        .unwrap();
        assert_eq!(**back, 5, "valid again at home");
    }

    #[test]
    fn dropping_a_value_that_needs_it_elsewhere_panics() {
        let w = SendWrapper::new(Rc::new(1));
        let dropped = std::thread::spawn(move || drop(w)).join();
        assert!(dropped.is_err());
        // A value without drop glue may end anywhere.
        std::thread::spawn(move || drop(SendWrapper::new(7u8))).join().unwrap();
    }
}
