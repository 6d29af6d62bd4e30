//! Entry point of the public-channel bundle (`/app/channel.js`).

fn main() {
    widget::channel::mount();
}
