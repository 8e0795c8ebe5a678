//! `#[edge_handler]`, the attribute behind `edgekit::edge_handler`.
//!
//! Use it through the `edgekit` crate; this crate has no API of its own.

use proc_macro::TokenStream;
use proc_macro2::Span;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{FnArg, ItemFn, parse_macro_input};

/// Turns a function into the component's `wasi:http/incoming-handler`.
///
/// The function may have any name, be `fn` or `async fn`, take the
/// request (`edgekit::Request`) or nothing, and return anything that
/// implements `edgekit::IntoResponse`:
///
/// ```ignore
/// #[edgekit::edge_handler]
/// fn hello(_req: edgekit::Request) -> &'static str {
///     "Hello, world!"
/// }
/// ```
///
/// The function stays as written and callable; the export is generated
/// beside it inside an anonymous `const`, so no names are added to your
/// module. One handler per component.
#[proc_macro_attribute]
pub fn edge_handler(attr: TokenStream, item: TokenStream) -> TokenStream {
    if !attr.is_empty() {
        let attr = proc_macro2::TokenStream::from(attr);
        return error(attr.span(), "#[edge_handler] takes no arguments");
    }
    let function = parse_macro_input!(item as ItemFn);
    match expand(&function) {
        Ok(tokens) => tokens.into(),
        Err(tokens) => tokens.into(),
    }
}

fn error(span: Span, message: &str) -> TokenStream {
    quote_spanned! { span=> compile_error!(#message); }.into()
}

fn spanned_error(span: Span, message: &str) -> proc_macro2::TokenStream {
    quote_spanned! { span=> compile_error!(#message); }
}

fn expand(function: &ItemFn) -> Result<proc_macro2::TokenStream, proc_macro2::TokenStream> {
    let sig = &function.sig;
    if let Some(constness) = &sig.constness {
        return Err(spanned_error(
            constness.span(),
            "#[edge_handler] cannot be a `const fn`",
        ));
    }
    if let Some(unsafety) = &sig.unsafety {
        return Err(spanned_error(
            unsafety.span(),
            "#[edge_handler] cannot be an `unsafe fn`",
        ));
    }
    if let Some(abi) = &sig.abi {
        return Err(spanned_error(
            abi.span(),
            "#[edge_handler] cannot have an `extern` ABI",
        ));
    }
    if !sig.generics.params.is_empty() || sig.generics.where_clause.is_some() {
        return Err(spanned_error(
            sig.generics.span(),
            "#[edge_handler] cannot be generic: it takes an `edgekit::Request` or nothing",
        ));
    }
    if let Some(variadic) = &sig.variadic {
        return Err(spanned_error(
            variadic.span(),
            "#[edge_handler] cannot be variadic",
        ));
    }
    if let Some(FnArg::Receiver(receiver)) = sig.inputs.first() {
        return Err(spanned_error(
            receiver.span(),
            "#[edge_handler] must be a free function, not a method",
        ));
    }
    if sig.inputs.len() > 1 {
        let extra = sig
            .inputs
            .iter()
            .nth(1)
            .map_or_else(|| sig.inputs.span(), Spanned::span);
        return Err(spanned_error(
            extra,
            "#[edge_handler] takes one argument (`edgekit::Request`) or none",
        ));
    }

    let name = &sig.ident;
    let call = match sig.inputs.first() {
        Some(_) => quote! { #name(request) },
        None => quote! { { let _ = request; #name() } },
    };
    let serve = match sig.asyncness {
        Some(_) => quote! { ::edgekit::__private::serve_async },
        None => quote! { ::edgekit::__private::serve },
    };

    Ok(quote! {
        #function

        const _: () = {
            struct EdgeHandler;

            impl ::edgekit::__private::wasip2::exports::http::incoming_handler::Guest for EdgeHandler {
                fn handle(
                    request: ::edgekit::__private::wasip2::http::types::IncomingRequest,
                    outparam: ::edgekit::__private::wasip2::http::types::ResponseOutparam,
                ) {
                    #serve(request, outparam, |request| #call);
                }
            }

            ::edgekit::__private::wasip2::http::proxy::export!(
                EdgeHandler with_types_in ::edgekit::__private::wasip2
            );
        };
    })
}
