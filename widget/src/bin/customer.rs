//! Entry point of the customer widget bundle (`/app/customer.js`).

fn main() {
    widget::customer::mount();
}
