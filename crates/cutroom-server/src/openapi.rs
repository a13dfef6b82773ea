//! The OpenAPI document of the API, served at `/openapi.json`.

use crate::routes;
use cutroom_api::*;

#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "cutroom",
        description = "A self-hosted video studio. Every JSON response is an envelope {code, message, data}; code 0 is success. Codes: 400 bad request (HTTP 400), 1001 token (401), 1002 not found (404), 2001 credits (402), 402 export blocked (402), 4001 file type (415), 4002 file size (413), 429 rate limited (429)."
    ),
    paths(
        routes::anonymous_token,
        routes::new_session,
        routes::run_sse,
        routes::upload,
        routes::balance,
        routes::state,
        routes::render,
        routes::render_status,
        routes::cancel_render,
        routes::download,
        routes::media,
    ),
    components(schemas(
        TokenData,
        NewSession,
        SessionData,
        RunRequest,
        NewMessage,
        MessagePart,
        UrlUpload,
        MediaInfo,
        UploadData,
        Balance,
        GeneratedMedia,
        StateData,
        SessionState,
        RenderRequest,
        RenderOutput,
        RenderStatus,
        RenderResult,
        Event,
        Content,
        Part,
        FunctionCall,
        FunctionResponse
    ))
)]
pub struct Doc;
