import { validationIssues } from '@newscell/contracts';
import { Compile } from 'typebox/compile';
import Value from 'typebox/value';
/**
 * Validates with TypeBox (no field is ever silently dropped: unknown ones are rejected) and reports
 * problems as the contracts do, one per field with the value found. Query strings, params and
 * headers arrive as text, so they are converted first; every part gets its schema's defaults.
 */
export const validatorCompiler = ({ schema, httpPart }) => {
    const check = Compile(schema);
    return (value) => {
        const converted = httpPart === 'body' ? value : Value.Convert(schema, value);
        const withDefaults = Value.Default(schema, converted);
        if (check.Check(withDefaults))
            return { value: withDefaults };
        const error = validationIssues(schema, withDefaults).map((issue) => ({
            keyword: 'invalid',
            instancePath: issue.path === '/' ? '' : issue.path,
            schemaPath: '',
            message: issue.message,
            params: { value: issue.value },
        }));
        return { error };
    };
};
/** `body /model/cell: must be one of "rnn", "lstm" (got "cnn"); …` */
export function formatValidationErrors(errors, dataVar) {
    const lines = errors.map((e) => {
        const value = e.params.value;
        const got = value === undefined ? '' : ` (got ${abbreviate(JSON.stringify(value))})`;
        return `${dataVar} ${e.instancePath === '' ? '/' : e.instancePath}: ${e.message}${got}`;
    });
    return new Error(lines.join('; '));
}
function abbreviate(text) {
    if (text === undefined)
        return 'undefined';
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
