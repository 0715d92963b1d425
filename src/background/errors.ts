// The background's one error base. Every error the background throws for a reason a caller may
// act on derives from it (VaultError, SessionError), so it is recognised with `instanceof` and
// its `reason`, never by its name or message text; rpc-errors.ts is the one place that turns
// errors into what a page sees.
import { ReasonError } from '../protocol/utils/errors.ts'

export abstract class BackgroundError<R extends string> extends ReasonError<R> {}
