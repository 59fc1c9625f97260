import type { PredictResponse } from '@newscell/contracts';
import { useState } from 'preact/hooks';
import { predict } from '../api/api-client.js';
import { describeError } from '../api/api-error.js';
import { TOPICS } from '../model/cells.js';
import { percent } from '../model/format.js';
import { EmptyState, ErrorMessage } from './panel.js';

type Answer = { modelId: string } & (
  | { ok: true; response: PredictResponse }
  | { ok: false; message: string }
);

/** Type a headline, see each chosen model's probability for every topic side by side. */
export function TryHeadline(props: { modelIds: string[] }) {
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [answers, setAnswers] = useState<Answer[]>([]);
  const [problem, setProblem] = useState<string | null>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    const headline = text.trim();
    if (headline === '') {
      setProblem('Type a headline first.');
      return;
    }
    setProblem(null);
    setBusy(true);
    const results = await Promise.all(
      props.modelIds.map(async (modelId): Promise<Answer> => {
        try {
          return { modelId, ok: true, response: await predict(modelId, [headline]) };
        } catch (error) {
          return { modelId, ok: false, message: describeError(error) };
        }
      }),
    );
    setAnswers(results);
    setBusy(false);
  };

  if (props.modelIds.length === 0)
    return <EmptyState>Tick one or more models in the table above to ask them.</EmptyState>;
  return (
    <div>
      <form class="stack" onSubmit={submit}>
        <label for="headline">Headline or short news text</label>
        <textarea
          id="headline"
          name="headline"
          rows={2}
          maxLength={10_000}
          value={text}
          onInput={(e) => setText(e.currentTarget.value)}
          placeholder="Stocks rally as the central bank holds rates"
        />
        <button type="submit" disabled={busy}>
          {busy
            ? 'Asking…'
            : `Ask ${props.modelIds.length} model${props.modelIds.length > 1 ? 's' : ''}`}
        </button>
      </form>
      {problem === null ? null : <ErrorMessage message={problem} />}
      {answers.length === 0 ? null : (
        <div class="table-scroll">
          <table class="summary" data-table="predictions">
            <thead>
              <tr>
                <th scope="col">Topic</th>
                {answers.map((a) => (
                  <th scope="col" key={a.modelId}>
                    {a.modelId}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {TOPICS.map((topic) => (
                <tr key={topic} data-topic={topic}>
                  <th scope="row">{topic}</th>
                  {answers.map((a) => {
                    if (!a.ok) return <td key={a.modelId}>—</td>;
                    const prediction = a.response.predictions[0];
                    const p = prediction?.probabilities[topic] ?? 0;
                    const top = prediction?.label === topic;
                    return (
                      <td key={a.modelId} data-model={a.modelId} class={top ? 'top' : ''}>
                        <span class="prob-bar" style={{ width: `${Math.round(p * 100)}%` }} />
                        <span class="prob-value">{percent(p)}</span>
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {answers
        .filter((a): a is Extract<Answer, { ok: false }> => !a.ok)
        .map((a) => (
          <ErrorMessage key={a.modelId} message={`${a.modelId}: ${a.message}`} />
        ))}
    </div>
  );
}
