//! The runtime types of a workspace's core schema, by job: the naming model of the generated types ([`names`]),
//! the meta of output objects ([`output`]) and of input objects and enums ([`input`]), and the view that resolves
//! output objects over the JSON PostgreSQL already shaped ([`view`]). Every generated output object is a
//! [`JsonView`]; every generated input object is a [`DynInput`] (juniper validates it against the meta, resolvers
//! read the raw value through the look-ahead); SELECT-like fields get a [`DynEnum`] each.

pub mod input;
pub mod names;
pub mod output;
pub mod view;

pub use input::{DynEnum, DynInput, connection_args};
pub use names::{
    EnumType, FieldShape, GeneratedField, Leaf, ObjectTypes, RootOperation, TypeInfo, TypeKind, WorkspaceTypes,
};
pub use view::{JsonView, leaf_value};

/// Implements juniper's `GraphQLType` and `GraphQLValue` for a type generated at runtime: named by its
/// [`TypeInfo`], its meta built by `meta` (a closure over the type info and the registry), and any further
/// `GraphQLValue` items given in braces.
macro_rules! generated_type {
    ($ty:ty, meta: $meta:expr, { $($value:tt)* }) => {
        impl juniper::GraphQLType<juniper::DefaultScalarValue> for $ty {
            fn name(info: &$crate::types::TypeInfo) -> Option<juniper::ArcStr> {
                Some(info.name())
            }

            fn meta(
                info: &$crate::types::TypeInfo,
                registry: &mut juniper::Registry<juniper::DefaultScalarValue>,
            ) -> juniper::meta::MetaType<juniper::DefaultScalarValue> {
                let meta: fn(
                    &$crate::types::TypeInfo,
                    &mut juniper::Registry<juniper::DefaultScalarValue>,
                ) -> juniper::meta::MetaType<juniper::DefaultScalarValue> = $meta;
                meta(info, registry)
            }
        }

        impl juniper::GraphQLValue<juniper::DefaultScalarValue> for $ty {
            type Context = $crate::context::CoreContext;
            type TypeInfo = $crate::types::TypeInfo;

            fn type_name(&self, info: &$crate::types::TypeInfo) -> Option<juniper::ArcStr> {
                Some(info.name())
            }

            fn concrete_type_name(&self, _: &$crate::context::CoreContext, info: &$crate::types::TypeInfo) -> String {
                info.name().to_string()
            }

            $($value)*
        }
    };
}
pub(crate) use generated_type;
