/** Approval notices on SNS: the deployment's alert topic, or the manifest's `approvals.topicArn`. */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { ApprovalNotice, ApprovalNotifier } from '../../../lib/approvals';

export class SnsApprovalNotifier implements ApprovalNotifier {
  constructor(private readonly options: { readonly client: SNSClient; readonly topicArn: string }) {}

  public async notify(notice: ApprovalNotice): Promise<void> {
    await this.options.client.send(
      new PublishCommand({
        TopicArn: this.options.topicArn,
        Subject: notice.subject.replace(/[^\x20-\x7e]/g, '-'),
        Message: notice.message,
        MessageAttributes: { kind: { DataType: 'String', StringValue: 'approval-request' }, approvalId: { DataType: 'String', StringValue: notice.approvalId } },
      }),
    );
  }
}
