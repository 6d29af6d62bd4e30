//! Entry point of the operator console bundle (`/app/console.js`).

fn main() {
    widget::console::mount();
}
