//! EC2 errors as the SPI's: EC2's own code and message kept, "not found" codes as `NotFound`, credential and
//! signature failures with what to set.

use aws_sdk_ec2::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use infrakit_spi::Error;

/// What to set when EC2 rejects or cannot find the credentials.
pub const CREDENTIALS_HINT: &str = "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for \
    temporary credentials), or AWS_PROFILE naming a profile in ~/.aws/credentials or ~/.aws/config, or run where an \
    instance role or web identity token is available";

/// The EC2 error code of `err`, if EC2 answered with one.
pub fn code<E: ProvideErrorMetadata, R>(err: &SdkError<E, R>) -> Option<&str> {
    match err {
        SdkError::ServiceError(e) => e.err().code(),
        _ => None,
    }
}

/// `err` from the call that did `what` (e.g. `instance i-123`), as an SPI error.
pub fn on<E, R>(what: &str, err: SdkError<E, R>) -> Error
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    if let SdkError::ServiceError(service) = &err {
        let e = service.err();
        let code = e.code().unwrap_or("Unknown");
        let message = e.message().unwrap_or("");
        if code.ends_with("NotFound") {
            return Error::NotFound(format!("{what}: {code}: {message}"));
        }
        if matches!(code, "AuthFailure" | "UnauthorizedOperation" | "InvalidClientTokenId" | "SignatureDoesNotMatch") {
            return Error::failed(format!(
                "{what}: EC2 refused the credentials ({code}: {message}); {CREDENTIALS_HINT}"
            ));
        }
        return Error::failed(format!("{what}: {code}: {message}"));
    }
    let text = DisplayErrorContext(&err).to_string();
    if text.contains("no credentials") || text.contains("credentials provider") || text.contains("Credentials") {
        return Error::Unavailable(format!("{what}: no usable AWS credentials ({text}); {CREDENTIALS_HINT}"));
    }
    Error::Unavailable(format!("{what}: EC2 did not answer: {text}"))
}
