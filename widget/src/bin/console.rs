//! Entry point of the operator console bundle (`/app/console.js`).

fn main() {
    // Panics reach the browser console with their message (the customer
    // bundle skips this to stay small).
    std::panic::set_hook(Box::new(|info| web_sys::console::error_1(&info.to_string().into())));
    widget::console::mount();
}
