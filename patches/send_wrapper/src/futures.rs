//! A wrapped future or stream is one: polled on its owner's thread only
//! (the `futures` feature, as upstream's).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;

use crate::SendWrapper;

impl<T> SendWrapper<T> {
    /// The pinned value, checked for the thread.
    fn pinned(self: Pin<&mut Self>) -> Pin<&mut T> {
        self.check("polled");
        // SAFETY: structural pinning: `data` is never moved out of a pinned
        // wrapper (only `take`, which needs it by value, moves it) and is
        // dropped in place.
        unsafe { self.map_unchecked_mut(|w| &mut *w.data) }
    }
}

impl<F: Future> Future for SendWrapper<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.pinned().poll(cx)
    }
}

impl<S: Stream> Stream for SendWrapper<S> {
    type Item = S::Item;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.pinned().poll_next(cx)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (**self).size_hint()
    }
}

#[cfg(test)]
mod tests {
    use std::future::Future;
    use std::pin::pin;
    use std::task::{Context, Poll, Waker};

    use crate::SendWrapper;

    #[test]
    fn a_wrapped_future_is_polled_through() {
        let mut f = pin!(SendWrapper::new(async { 42 }));
        let mut cx = Context::from_waker(Waker::noop());
        assert_eq!(f.as_mut().poll(&mut cx), Poll::Ready(42));
    }
}
