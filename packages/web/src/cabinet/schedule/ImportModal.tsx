import type { ScheduleImportReport } from '@hie/contract';
import { Alert, Button, FileButton, Group, Modal, Stack, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { inLanguage } from '../core/cabinet-state';
import { cabinetError } from '../core/errors';
import { importCsv, useScheduleWrite } from './api';
import { useScheduleLabels } from './useScheduleLabels';

/**
 * CSV import of one month: choose a file (UTF-8 or Shift_JIS: the bytes go as they are), then what was
 * imported, skipped as already there, and refused — each refused row by its line and column.
 */
export function ImportModal({
  cabinetId,
  month,
  monthTitle,
  fullScreen,
  onClose,
}: {
  cabinetId: string;
  month: string;
  monthTitle: string;
  fullScreen: boolean;
  onClose: () => void;
}) {
  const { l, lang } = useScheduleLabels();
  const [report, setReport] = useState<ScheduleImportReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const upload = useScheduleWrite(cabinetId, (file: File) => importCsv(cabinetId, month, file));
  const choose = async (file: File | null) => {
    if (!file) return;
    setError(null);
    setReport(null);
    try {
      setReport(await upload.mutateAsync(file));
    } catch (e) {
      setError(cabinetError(e, lang));
    }
  };
  return (
    <Modal
      opened
      onClose={onClose}
      fullScreen={fullScreen}
      size="lg"
      title={<Text fw={700}>{l.importTitle(monthTitle)}</Text>}
    >
      <Stack gap="sm" data-testid="schedule-import">
        <Text size="sm">{l.importHint}</Text>
        <Group>
          <FileButton onChange={(file) => void choose(file)} accept=".csv,text/csv">
            {(props) => (
              <Button {...props} loading={upload.isPending} data-testid="schedule-import-file">
                {l.chooseFile}
              </Button>
            )}
          </FileButton>
        </Group>
        {error && (
          <Alert color="red" role="alert">
            {error}
          </Alert>
        )}
        {report && (
          <Stack gap="xs" role="status">
            <Alert color={report.imported.length > 0 ? 'teal' : 'gray'}>
              {l.imported(report.imported.length)}
            </Alert>
            {report.skipped.length > 0 && <Alert color="gray">{l.skipped(report.skipped.length)}</Alert>}
            {report.refused.length > 0 && (
              <>
                <Alert color="red">{l.refused(new Set(report.refused.map((r) => r.line)).size)}</Alert>
                <Table.ScrollContainer minWidth={320}>
                  <Table striped withTableBorder verticalSpacing={4} data-testid="schedule-import-refused">
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th w={56}>{l.line}</Table.Th>
                        <Table.Th w={96}>{l.field}</Table.Th>
                        <Table.Th>{l.problem}</Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {report.refused.map((r) => (
                        <Table.Tr key={`${r.line}-${r.field}-${r.code}`}>
                          <Table.Td>{r.line}</Table.Td>
                          <Table.Td>{r.field}</Table.Td>
                          <Table.Td>{inLanguage(r.message, lang)}</Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                </Table.ScrollContainer>
              </>
            )}
          </Stack>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {l.close}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
