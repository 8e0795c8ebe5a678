//! `#[edge_handler]`, the attribute behind `edgekit::edge_handler`.
//!
//! Use it through the `edgekit` crate; this crate has no API of its own.

use proc_macro::TokenStream;
use proc_macro2::Span;
use proc_macro2::TokenTree;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{FnArg, ItemFn, ReturnType, parse_macro_input};

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
        // Keeping the function beside the error spares the user a cascade
        // of unrelated errors (unused imports, a missing function).
        Err(error) => quote! { #error #function }.into(),
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
    // The conversions are spanned at the user's types, so a wrong argument
    // or return type is reported where it is written.
    let call = match sig.inputs.first() {
        Some(FnArg::Typed(argument)) => {
            let ty = &argument.ty;
            quote_spanned! { ty.span()=> {
                let request: #ty = request;
                #name(request)
            } }
        }
        _ => quote! { { let _ = request; #name() } },
    };
    let check_return = match &sig.output {
        ReturnType::Type(_, ty) if !mentions_impl(&quote!(#ty)) => quote_spanned! { ty.span()=>
            const _: () = {
                fn returns_into_response<T: ::edgekit::IntoResponse>() {}
                let _ = returns_into_response::<#ty>;
            };
        },
        _ => quote! {},
    };
    let serve = match sig.asyncness {
        Some(_) => quote! { ::edgekit::__private::serve_async },
        None => quote! { ::edgekit::__private::serve },
    };

    Ok(quote! {
        #function

        #check_return

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

/// Whether a type contains `impl Trait`, which cannot be named outside the
/// function's signature.
fn mentions_impl(tokens: &proc_macro2::TokenStream) -> bool {
    tokens.clone().into_iter().any(|token| match token {
        TokenTree::Ident(ident) => ident == "impl",
        TokenTree::Group(group) => mentions_impl(&group.stream()),
        _ => false,
    })
}
