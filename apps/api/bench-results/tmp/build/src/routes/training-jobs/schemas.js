import { ApiErrorSchema, CellTypeSchema, RESOURCE_ID_PATTERN, TrainingJobIdSchema, TrainingJobStateSchema, } from '@newscell/contracts';
import Type from 'typebox';
export const JobParamsSchema = Type.Object({ id: TrainingJobIdSchema }, { additionalProperties: false });
export const ListJobsQuerySchema = Type.Object({
    state: Type.Optional(TrainingJobStateSchema),
    cell: Type.Optional(CellTypeSchema),
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    offset: Type.Integer({ minimum: 0, maximum: 100_000, default: 0 }),
    cursor: Type.Optional(Type.String({
        pattern: RESOURCE_ID_PATTERN,
        description: "the previous page's nextCursor: only jobs older than that one",
    })),
}, { additionalProperties: false });
/** Bearer key or x-api-key; both work on every protected route. */
export const readSecurity = [{ bearer: [] }, { apiKey: [] }];
export const adminSecurity = readSecurity;
/** Error answers each route may give, for the OpenAPI document. */
export const errorResponses = (...statuses) => Object.fromEntries(statuses.map((s) => [s, ApiErrorSchema]));
