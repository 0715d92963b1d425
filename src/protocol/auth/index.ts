export {
  AUTH_TOKEN_MAX_AGE_NS,
  AUTH_TOKEN_CLIENT_TTL_MS,
  AuthTokenError,
  type AuthTokenErrorReason,
  type CreateAuthTokenInput,
  type VerifiedAuthToken,
  createAuthToken,
  tokenFromAuthorizationHeader,
  verifyAuthToken,
  verifyAuthTokenDetailed,
} from './token.ts'
