//! `/auth/signup`, `/auth/login`, `/auth/refresh`, `/auth/logout` (contract §2.1).

use crate::AppState;
use crate::middleware::client_ip;
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::Value;
use twenty_api_rest::ApiError;
use twenty_auth::SignUp;
use twenty_domain::error::{DomainError, Problems};
use uuid::Uuid;

/// Reads string fields from a JSON object body, reporting every missing or mistyped one.
struct Body<'a> {
    map: &'a serde_json::Map<String, Value>,
    problems: Problems,
}

impl<'a> Body<'a> {
    fn new(value: &'a Value) -> Result<Self, ApiError> {
        match value {
            Value::Object(map) => Ok(Body {
                map,
                problems: Problems::new(),
            }),
            _ => Err(ApiError(DomainError::validation(
                "The request body must be a JSON object",
            ))),
        }
    }

    fn string(&mut self, name: &str, required: bool) -> Option<String> {
        match self.map.get(name) {
            Some(Value::String(s)) => Some(s.clone()),
            None | Some(Value::Null) if !required => None,
            None | Some(Value::Null) => {
                self.problems.push(name, "is required");
                None
            }
            Some(_) => {
                self.problems.push(name, "must be a string");
                None
            }
        }
    }

    fn finish(self) -> Result<(), ApiError> {
        self.problems.finish(()).map_err(ApiError)
    }
}

/// The sign-up request: every missing or mistyped field reported at once.
fn sign_up_input(body: &Value) -> Result<SignUp, ApiError> {
    let mut b = Body::new(body)?;
    let email = b.string("email", true);
    let password = b.string("password", true);
    let workspace_name = b.string("workspaceName", false);
    let first_name = b.string("firstName", false);
    let last_name = b.string("lastName", false);
    b.finish()?;
    Ok(SignUp {
        email: email.unwrap_or_default(),
        password: password.unwrap_or_default(),
        workspace_name,
        first_name,
        last_name,
    })
}

pub async fn signup(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<Value>,
) -> Result<HttpResponse, ApiError> {
    let input = sign_up_input(&body)?;
    // Each sign-up creates a schema of its own: counted before any work.
    state.throttles.check_sign_up(client_ip(&req)).await?;
    let signed_up = state.auth.sign_up(input).await?;
    tracing::info!(workspace_id = %signed_up.workspace_id, user_id = %signed_up.user_id, "signed up");
    Ok(HttpResponse::Created().json(signed_up))
}

/// The login request: e-mail, password and the optional workspace to log in to.
struct LoginInput {
    email: String,
    password: String,
    workspace_id: Option<Uuid>,
}

fn login_input(body: &Value) -> Result<LoginInput, ApiError> {
    let mut b = Body::new(body)?;
    let email = b.string("email", true).unwrap_or_default();
    let password = b.string("password", true).unwrap_or_default();
    let workspace_id = match b.string("workspaceId", false).as_deref().map(Uuid::parse_str) {
        Some(Ok(id)) => Some(id),
        Some(Err(_)) => {
            b.problems.push("workspaceId", "must be a UUID");
            None
        }
        None => None,
    };
    b.finish()?;
    Ok(LoginInput {
        email,
        password,
        workspace_id,
    })
}

pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<Value>,
) -> Result<HttpResponse, ApiError> {
    let input = login_input(&body)?;
    state.throttles.check_login(client_ip(&req), &input.email).await?;
    let tokens = state
        .auth
        .login(&input.email, &input.password, input.workspace_id)
        .await?;
    Ok(HttpResponse::Ok().json(tokens))
}

fn refresh_token_of(body: &Value) -> Result<String, ApiError> {
    let mut b = Body::new(body)?;
    let token = b.string("refreshToken", true);
    b.finish()?;
    Ok(token.unwrap_or_default())
}

pub async fn refresh(state: web::Data<AppState>, body: web::Json<Value>) -> Result<HttpResponse, ApiError> {
    let token = refresh_token_of(&body)?;
    Ok(HttpResponse::Ok().json(state.auth.refresh(&token).await?))
}

pub async fn logout(state: web::Data<AppState>, body: web::Json<Value>) -> Result<HttpResponse, ApiError> {
    let token = refresh_token_of(&body)?;
    state.auth.logout(&token).await?;
    Ok(HttpResponse::NoContent().finish())
}
