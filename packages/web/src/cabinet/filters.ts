/** The plain feed's filters: the form's values and the query parameters they become. Pure. */
import type { PostFilters } from './core/types';

export interface FilterForm {
  author: string;
  profession: string;
  kind: string;
  urgent: boolean;
  from: string;
  to: string;
  q: string;
}
export const EMPTY_FILTERS: FilterForm = {
  author: '',
  profession: '',
  kind: '',
  urgent: false,
  from: '',
  to: '',
  q: '',
};

/** The form's values as the query's parameters (empty ones left out). */
export function filtersOf(form: FilterForm): PostFilters {
  const filters: PostFilters = {};
  if (form.author) filters.author = form.author;
  if (form.profession) filters.profession = form.profession;
  if (form.kind) filters.kind = form.kind;
  if (form.urgent) filters.urgent = true;
  if (form.from) filters.from = form.from;
  if (form.to) filters.to = form.to;
  if (form.q.trim()) filters.q = form.q.trim();
  return filters;
}
