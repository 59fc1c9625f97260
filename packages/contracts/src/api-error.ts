import Type, { type Static } from 'typebox';

/** Every API error: `code` is stable (see `ERROR_CODES`), `message` is for a person. */
export const ApiErrorSchema = Type.Object(
  {
    error: Type.Object({
      code: Type.String(),
      message: Type.String(),
      details: Type.Optional(Type.Unknown()),
    }),
  },
  {
    examples: [{ error: { code: 'JOB_NOT_FOUND', message: 'No training job with id 42' } }],
  },
);

export type ApiError = Static<typeof ApiErrorSchema>;
