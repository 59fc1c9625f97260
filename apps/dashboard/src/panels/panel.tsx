import type { ComponentChildren } from 'preact';

export function Panel(props: { id: string; title: string; children: ComponentChildren }) {
  return (
    <section class="panel" id={props.id} aria-labelledby={`${props.id}-title`}>
      <h2 id={`${props.id}-title`}>{props.title}</h2>
      {props.children}
    </section>
  );
}

/** What a first-time user sees instead of an empty chart: what is missing and what to do. */
export function EmptyState(props: { children: ComponentChildren }) {
  return <p class="empty">{props.children}</p>;
}

export function ErrorMessage(props: { message: string }) {
  return (
    <p class="error" role="alert">
      {props.message}
    </p>
  );
}
