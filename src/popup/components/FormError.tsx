// A form's error, said once as an alert under the form; nothing when there is none.
export function FormError({ message }: { message: string | null | undefined }) {
  if (!message) return null
  return (
    <p class="form-error" role="alert">
      {message}
    </p>
  )
}
